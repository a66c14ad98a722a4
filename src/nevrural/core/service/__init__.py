"""The service chain after a campaign: online order, offline delivery and after-sales.

A buyer orders online (often straight from a livestream or an event), pays a deposit,
and takes the car at a dealer or at a campaign event; afterwards leads, follow-ups,
service tickets and trade-ins keep the relationship going. This package holds the pure
rules of that chain, with no database, web or clock:

- `principal` and `access`: who acts (organiser, enterprise, buyer) and what each may
  read, and which personal data each may see unmasked;
- `transitions`: a small state-machine piece shared by orders, tickets and trade-ins;
- `orders`: the order lifecycle, its stock effects and its follow-up schedule;
- `leads`: routing a sales lead to the nearest qualified dealer;
- `tickets`: after-sales tickets, the nearest open service point and SLA times;
- `trade_ins`: scrappage and replacement trade-ins and their subsidy claims;
- `personal`: normalising and masking personal information (name, phone, ID card).

Times are ``datetime`` values supplied by the caller (never read from a clock); money is
``Decimal`` CNY; county codes are six-digit strings.
"""
