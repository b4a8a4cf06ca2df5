/**
 * Result zip passwords for Michigan children. Without one the server invents its own and only e-mails
 * it, so fedimpute makes one per child and keeps it. [A-Za-z0-9] only and at least one letter: the
 * server interpolates it into a shell command and guesses the types of form values (protocols/michigan.md).
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function generatePassword(length = 24): string {
  for (;;) {
    let password = '';
    for (let index = 0; index < length; index++) password += ALPHABET[randomInt(ALPHABET.length)];
    if (/[A-Za-z]/.test(password) && /[0-9]/.test(password)) return password;
  }
}
