package inbox

import (
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// Who may see and do what. The handlers check these before calling the campaign, and pass
// the signed-in person as By, so the campaign's own validators check again.
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
func (i *Inbox) canSeeTask(p config.Person, st workflows.CampaignStatus, t workflows.Task) bool {
	if t.Assignee == p.ID {
		return true
	}
	return isManager(p) && (st.Manager == p.ID || i.inTeam(p, t.Assignee))
}

// canCompleteTask mirrors the CompleteTask validator: the assignee, or the campaign's manager.
func (i *Inbox) canCompleteTask(p config.Person, st workflows.CampaignStatus, t workflows.Task) bool {
	return t.Assignee == p.ID || (isManager(p) && st.Manager == p.ID)
}

// canSeeCampaign: the account is theirs or they have a task in it; managers also their team's.
func (i *Inbox) canSeeCampaign(p config.Person, st workflows.CampaignStatus) bool {
	if st.Rep == p.ID || st.Manager == p.ID {
		return true
	}
	for _, t := range st.Tasks {
		if i.canSeeTask(p, st, t) {
			return true
		}
	}
	return isManager(p) && i.inTeam(p, st.Rep)
}

// canManageCampaign: the campaign's manager, or the manager of its rep.
func (i *Inbox) canManageCampaign(p config.Person, st workflows.CampaignStatus) bool {
	return isManager(p) && (st.Manager == p.ID || i.inTeam(p, st.Rep))
}

// canMoveAccount mirrors the ReassignTask validator for the whole account.
func (i *Inbox) canMoveAccount(p config.Person, st workflows.CampaignStatus) bool {
	return isManager(p) && st.Manager == p.ID
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
