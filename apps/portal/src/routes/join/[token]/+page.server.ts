import { redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import type { PageServerLoad } from "./$types";

// A friend's referral link: the contact form, carrying the referral token (a hidden field). The
// lead it registers records the referral; when the practice converts the lead, the referral
// converts with it and awards its points.
export const load: PageServerLoad = ({ params, url }) => {
  const practice = url.searchParams.get("practice");
  const query = new URLSearchParams({ ...(practice ? { practice } : {}), note: "I was referred by a friend.", referral: params.token });
  redirect(303, `${href("/register")}?${query.toString()}#contact`);
};
