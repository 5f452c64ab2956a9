package inbox

import (
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// Who may see and do what. The handlers check these before calling the campaign, and pass
// the signed-in person as By, so the campaign's own validators check again; who may complete
// or reassign is the campaign's own rule (workflows.MayComplete...), so they cannot disagree.
//
//   - A rep sees and completes the tasks assigned to them, and sees the campaigns of accounts
//     they own or have a task in.
//   - A manager sees the tasks of their team (the reps whose manager they are, and their own)
//     and every task of the campaigns they manage (escalations included). They complete tasks
//     of campaigns they manage, and reassign, mark won back, opt out or cancel them.

func isManager(p config.Person) bool { return p.Role == config.RoleManager }

// inTeam reports whether personID is manager m or one of m's reps.
func (i *Inbox) inTeam(m config.Person, personID string) bool {
	if !isManager(m) {
		return false
	}
	if personID == m.ID {
		return true
	}
	p, ok := i.o.Team.Person(personID)
	return ok && p.Manager == m.ID
}

// canSeeTask: the task is theirs, or (managers) their team's or in a campaign they manage.
func (i *Inbox) canSeeTask(p config.Person, manager string, t workflows.Task) bool {
	if t.Assignee == p.ID {
		return true
	}
	return isManager(p) && (manager == p.ID || i.inTeam(p, t.Assignee))
}

// canCompleteTask is the campaign's own rule (workflows.MayComplete): the assignee, or the
// campaign's manager.
func (i *Inbox) canCompleteTask(p config.Person, st workflows.CampaignStatus, t workflows.Task) bool {
	return workflows.MayComplete(t, p.ID, st.Manager)
}

// canReassignTask: in the inbox only managers hand tasks on (a rep asks their manager), and
// then by the campaign's own rule (workflows.MayReassign).
func (i *Inbox) canReassignTask(p config.Person, st workflows.CampaignStatus, t workflows.Task) bool {
	return isManager(p) && workflows.MayReassign(t, p.ID, st.Manager)
}

// canSeeCampaign: the account is theirs or they have a task in it; managers also their team's.
func (i *Inbox) canSeeCampaign(p config.Person, rep, manager string, tasks []workflows.Task) bool {
	if rep == p.ID || manager == p.ID {
		return true
	}
	for _, t := range tasks {
		if i.canSeeTask(p, manager, t) {
			return true
		}
	}
	return isManager(p) && i.inTeam(p, rep)
}

// canManageCampaign: the campaign's manager, or the manager of its rep.
func (i *Inbox) canManageCampaign(p config.Person, st workflows.CampaignStatus) bool {
	return isManager(p) && (st.Manager == p.ID || i.inTeam(p, st.Rep))
}

// canMoveAccount: a manager, by the campaign's own rule (workflows.MayMoveAccount).
func (i *Inbox) canMoveAccount(p config.Person, st workflows.CampaignStatus) bool {
	return isManager(p) && workflows.MayMoveAccount(p.ID, st.Rep, st.Manager)
}

// reassignTargets are the people a manager may hand work to: everyone in the team file who
// can sign in to the inbox (others could not do the task), except skip.
func (i *Inbox) reassignTargets(skip string) []config.Person {
	var out []config.Person
	for _, p := range i.signInPeople() {
		if p.ID != skip {
			out = append(out, p)
		}
	}
	return out
}

// name is how the inbox shows a person: their name from the team file, or their ID.
func (i *Inbox) name(id string) string {
	if p, ok := i.o.Team.Person(id); ok && p.Name != "" {
		return p.Name
	}
	return id
}
