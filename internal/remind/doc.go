// Package remind owns when mail must be checked (R1): the Vietnamese working
// calendar (lunar calendar 1900–2100, public holidays of the Labour Code 2019
// art. 112, compensating days, the government's yearly arrangements as data),
// the check times of a profile, the scheduler that decides which reminders
// are due on an injected clock, and the desktop notifier.
//
// It must not import the UI, talk to mail servers or store anything itself:
// the check log is an interface the caller provides. All times are Vietnam
// time (UTC+7, no daylight saving) whatever the PC's zone.
package remind
