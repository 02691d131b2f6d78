import { ROLES, type Role } from "./vocabulary.js";

/** viewer < trader < admin: each role may do everything the ones before it may. */
export function hasRole(role: Role, atLeast: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(atLeast);
}
