// Reading the invitations Lectern mails with an independent parser (npm ical.js): the
// text/calendar part of a message from the SMTP sink, parsed, with its VTIMEZONEs registered
// so times convert to UTC.
import assert from 'node:assert/strict';
import ICAL from 'ical.js';

/** Parses iCalendar text, registering its VTIMEZONEs. */
export function parseCalendar(text) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  return cal;
}

/** The calendar part of a message: { type (its content type), cal (the parsed VCALENDAR) }. */
export function invitationOf(message) {
  const m = /Content-Type: (text\/calendar[^\r\n]*)\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/i.exec(message.raw);
  assert.ok(m, `no text/calendar part in:\n${message.raw.slice(0, 2000)}`);
  return { type: m[1], cal: parseCalendar(m[2].replace(/=\r?\n/g, '')) };
}

/** The first VEVENT of a VCALENDAR. */
export const firstEvent = (cal) => new ICAL.Event(cal.getFirstSubcomponent('vevent'));
