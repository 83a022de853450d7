// Placeholder until the embedded database support lands: tests need DATABASE_URL for now.
export default async function globalSetup() {}
