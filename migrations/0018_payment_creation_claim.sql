-- Which request is creating a payment at the provider, and until when. The claim replaces a
-- row lock held across the provider call: a request no longer keeps a database connection
-- while it waits for the provider (up to its timeout), and the claim lapses by itself when
-- the request that took it dies.
ALTER TABLE payments ADD COLUMN creation_claimed_until timestamptz;
