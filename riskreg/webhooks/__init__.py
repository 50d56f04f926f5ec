"""Signed webhooks: the business services call `webhook_enqueue` inside their transaction, which
writes one delivery row per subscribed endpoint (the outbox pattern, as riskreg.mail does for
email); a task posts each one after commit, signed with HMAC-SHA256 in the Standard Webhooks
format, and a sweep retries what failed with backoff. Endpoints on private or loopback addresses
are refused unless RISKREG_WEBHOOK_ALLOW_PRIVATE is on (SSRF)."""
