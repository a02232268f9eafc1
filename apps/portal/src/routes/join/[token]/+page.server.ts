import { redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import type { PageServerLoad } from "./$types";

// A friend's referral link: the contact form, with the referral code noted for the practice
// (staff convert the lead and then the referral, which awards its points).
export const load: PageServerLoad = ({ params, url }) => {
  const practice = url.searchParams.get("practice");
  const note = `I was referred by a friend (referral code ${params.token}).`;
  redirect(303, `${href("/register")}?${new URLSearchParams({ ...(practice ? { practice } : {}), note }).toString()}#contact`);
};
