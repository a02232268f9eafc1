// Engagement: surveys, QR codes, referrals, the marketplace and reviews.
// Wrong role, other practice, no session, CSRF and bad input for every procedure of the family,
// generated from the router (testing/security-suite.ts).
import { securitySuite } from "../../testing/security-suite.ts";

securitySuite("engagement");
