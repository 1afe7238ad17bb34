-- 0037_room_dial_in: a virtual room's dial-in text (telephone numbers, an access code), shown
-- with its meeting address to the people of its events (docs/planning.md).

ALTER TABLE rooms ADD COLUMN dial_in TEXT NOT NULL DEFAULT '';
