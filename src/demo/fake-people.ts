const FIRST = [
  'Jane',
  'Michael',
  'Sarah',
  'David',
  'Maria',
  'James',
  'Linda',
  'Robert',
  'Aisha',
  'Wei',
  'Carlos',
  'Fatima',
  'Olga',
  'Kwame',
  'Priya',
  'Tom',
];
const LAST = [
  'Smith',
  'Johnson',
  'Garcia',
  'Brown',
  'Nguyen',
  'Patel',
  'Kim',
  'Okafor',
  'Rossi',
  'Müller',
  'Silva',
  'Cohen',
  "O'Brien",
  'Haddad',
];
const LEAD_SOURCES = ['website_form', 'referral', 'facebook_ad', 'google_ad', 'affiliate', null];
const METHODS = ['Credit Card', 'ACH', 'Debit Card'];
const FAILURES = ['Card declined - insufficient funds', 'Card expired', 'ACH return R01', 'Do not honor'];
const DOCS = ['credit_report', 'photo_id', 'utility_bill', 'dispute_letter'];

/** Deterministic enough for a demo; the simulator's randomness needs no cryptography. */
export class FakePeople {
  constructor(private readonly random: () => number = Math.random) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  person(): { first: string; last: string; email: string; phone: string } {
    const first = this.pick(FIRST);
    const last = this.pick(LAST);
    const tag = Math.floor(this.random() * 1e6);
    const email = `${first}.${last}.${tag}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
    const phone = `+1415555${String(Math.floor(this.random() * 10000)).padStart(4, '0')}`;
    return { first, last, email, phone };
  }

  leadSource(): string | null {
    return this.pick(LEAD_SOURCES);
  }

  paymentMethod(): string {
    return this.pick(METHODS);
  }

  failureReason(): string {
    return this.pick(FAILURES);
  }

  amount(): number {
    return this.pick([49, 79, 99, 149, 199.5]);
  }

  docName(): string {
    return `${this.pick(DOCS)}_${new Date().getUTCFullYear()}_${Math.floor(this.random() * 1000)}.pdf`;
  }

  transactionId(): string {
    return `ch_${Math.floor(this.random() * 36 ** 10)
      .toString(36)
      .padStart(10, '0')}`;
  }

  ip(): string {
    return `203.0.113.${1 + Math.floor(this.random() * 254)}`;
  }
}
