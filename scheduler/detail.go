package scheduler

// Detail says how much of a letter Fire's messages carry (Config.Detail).
// A preview prints a few fields of each message and item; at 500,000
// assignments the rest (the lead units of every copy, texts, hashes of
// thousands of steps) was a third of its time.
type Detail uint8

const (
	// DetailFull is every field, for the daemon: what is delivered.
	DetailFull Detail = iota
	// DetailTitles are the message's moment, recipient, channel, kind and
	// title, and its items' kind, assignment, task, occurrence, unit, due
	// moment, working days and copy mark: what `preview --json` prints.
	// No ID, footer, task texts, periods, progress questions, lead units
	// of copies; the steps' records carry no message IDs.
	DetailTitles
	// DetailItems is DetailTitles without titles and working days: what
	// the preview's table prints.
	DetailItems
)
