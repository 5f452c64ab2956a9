package workflows

// Who may do what to a campaign's tasks. The Update validators enforce these; the inbox asks
// them before it offers a form, so the page and the campaign never disagree.

// MayComplete reports whether person may complete task t of a campaign managed by manager:
// its assignee, or the manager.
func MayComplete(t Task, person, manager string) bool {
	return person != "" && (person == t.Assignee || person == manager)
}

// MayReassign reports whether person may hand task t to someone else: its assignee, or the
// campaign's manager.
func MayReassign(t Task, person, manager string) bool {
	return person != "" && (person == t.Assignee || person == manager)
}

// MayMoveAccount reports whether person may move the whole account (every open rep task and
// every future one) to another rep: the account's rep ("fire yourself, not the firm"), or its
// manager.
func MayMoveAccount(person, rep, manager string) bool {
	return person != "" && (person == rep || person == manager)
}
