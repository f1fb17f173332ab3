// What a form asks before it is queued: the same questions the server asks without
// JavaScript (fieldops/pages/visits.py, fieldops/pages/store.py), from what the page says.

/** Minutes from midnight of "HH:MM"; before `cutoff` (minutes) it is after midnight. */
function minuteOf(hhmm, cutoff = 0) {
  const [hours, minutes] = hhmm.split(":").map(Number);
  const minute = hours * 60 + minutes;
  return minute < cutoff ? minute + 1440 : minute;
}

/** The wall-clock time now in `zone`, as "HH:MM". */
function nowIn(zone) {
  const parts = { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return new Intl.DateTimeFormat("en-GB", parts).format(new Date());
}

/** A check-in far from its planned start: the server then marks the visit off schedule. */
function offSchedule(form) {
  const minutes = Math.round((Date.now() - Date.parse(form.dataset.plannedStart)) / 60000);
  if (Math.abs(minutes) <= Number(form.dataset.offScheduleMinutes)) return [];
  const when = `${Math.abs(minutes)} minutes ${minutes > 0 ? "after" : "before"}`;
  return [
    `You are checking in ${when} the planned start. Check in anyway? The visit will be marked off schedule.`,
  ];
}

/** A close-out that replaces today's, or whose time is far outside the posted hours. */
function closeout(form) {
  const { closeoutEarlier, postedOpens, postedCloses, cutoff, zone } = form.dataset;
  const asked = [];
  if (closeoutEarlier) asked.push(`Today's close-out already says ${closeoutEarlier}. Replace it?`);
  if (!postedOpens || form.querySelector('[name="closed"]')?.checked) return asked;
  const typed = form.querySelector('[name="last_customer_at"]')?.value || nowIn(zone);
  const start = minuteOf(cutoff);
  const left = minuteOf(typed, start);
  const opens = minuteOf(postedOpens, start);
  let closes = minuteOf(postedCloses, start);
  if (closes <= opens) closes += 1440;
  if (left > closes + 180) {
    asked.push(
      `${typed} is more than 3 hours after the posted close (${postedCloses}). Is that right?`,
    );
  } else if (left < opens) {
    asked.push(`${typed} is before the posted opening (${postedOpens}). Is that right?`);
  }
  return asked;
}

/** Whether `form` may be queued: nothing to ask, already answered on the page, or the
 * person said yes. */
export function answeredYes(form) {
  if (form.querySelector('[name="confirm"]')) return true;
  let asked = [];
  if (form.dataset.plannedStart) asked = offSchedule(form);
  else if (form.dataset.outbox === "closeout") asked = closeout(form);
  return asked.length === 0 || window.confirm(asked.join("\n\n"));
}
