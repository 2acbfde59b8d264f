-- 0003_lease: the device's lease (app.Lease).
--
-- Never edit this file once released: add 0004_*.sql instead.

-- lease_days: how many days the device may go without a complete sync
-- (device.last_success) before it locks its customer data. Every sync
-- answer carries the server's value; until the first, the default
-- (app.DefaultLeaseDays, which Wipe also restores).
ALTER TABLE device ADD COLUMN lease_days INTEGER NOT NULL DEFAULT 30;
