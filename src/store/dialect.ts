/** The two databases Lifeline runs on. The code path is shared; a few statements differ. */
export type StoreDialect = 'sqlite' | 'postgres';
