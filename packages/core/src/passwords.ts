// Password hashing with argon2id (a prebuilt native binding, no compiler needed).
import { hash, verify } from "@node-rs/argon2";

export const hashPassword = (password: string) => hash(password);
export const verifyPassword = async (passwordHash: string, password: string) => {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
};
