import { ChecklistItem } from '../acknowledgements';

/** The security checklist secure-scheduling enforces, in the words reviewers know it by. */
export const CHECKLIST_ITEMS: Readonly<Record<ChecklistItem, string>> = {
  C1: 'Encrypt every connection with modern TLS and trusted, renewed certificates',
  C2: 'Strong unique passwords and two-factor authentication',
  C3: 'Restrict internal access; least privilege for whoever administers it',
  C4: 'Keep software updated',
  C5: 'Host it securely',
  C6: 'Back up critical data regularly, to separate storage',
  C7: 'Limit the data collected and kept',
  C8: 'Restrict third-party integrations',
  C9: 'Test for vulnerabilities',
  C10: 'Keep activity logs and review them for unexpected setting changes',
};
