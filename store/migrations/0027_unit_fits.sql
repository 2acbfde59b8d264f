-- 0027_unit_fits: a unit's serial finds the part uses that fitted it and
-- the defective returns that took it out again (PartService.UnitFits),
-- which the add-part dialog asks once when it is given a serial the
-- technician's stock lacks. Without these, each look-up read every part
-- use and every movement on the device. Partial: most part uses and
-- movements carry no serial.
--
-- IF NOT EXISTS: the upgrade tests run the later migrations again over a
-- file they took back.
--
-- Never edit this file once released: add a later migration instead.
CREATE INDEX IF NOT EXISTS parts_used_serial ON parts_used (serial COLLATE NOCASE, part) WHERE serial <> '';
CREATE INDEX IF NOT EXISTS movements_serial ON movements (serial COLLATE NOCASE, part) WHERE serial <> '';
