package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	_ "time/tzdata" // time zones validate the same in a distroless image

	"golang.org/x/crypto/bcrypt"
	"gopkg.in/yaml.v3"

	"github.com/winback/winback/calendar"
	"github.com/winback/winback/contact"
	"github.com/winback/winback/workflows"
)

// Person is a rep or a manager of the team file.
type Person struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name,omitempty"`
	Email    string `yaml:"email" json:"email,omitempty"`
	TimeZone string `yaml:"timeZone" json:"timeZone,omitempty"` // IANA, for business days
	// Calendar is the person's working week (days, hours, days off), in TimeZone: their task
	// deadlines count in it. Monday to Friday, 09:00 to 17:00 when absent.
	Calendar *calendar.Week `yaml:"calendar" json:"calendar,omitempty"`
	// Role is RoleRep or RoleManager.
	Role string `yaml:"role" json:"role"`
	// Manager is the ID of a rep's manager.
	Manager string `yaml:"manager" json:"manager,omitempty"`
	// PasswordHash is the bcrypt hash of the inbox password; without one the person cannot
	// sign in to the inbox. Never logged, never in JSON.
	PasswordHash string `yaml:"passwordHash" json:"-"`
}

// The roles of a Person.
const (
	RoleRep     = "rep"
	RoleManager = "manager"
)

// Team is the people of the WINBACK_TEAM file. An empty team (no file) accepts any IDs.
type Team struct{ People []Person }

// teamFile is the layout of the WINBACK_TEAM file.
type teamFile struct {
	People []Person `yaml:"people"`
}

// Person finds a person by ID.
func (t Team) Person(id string) (Person, bool) {
	for _, p := range t.People {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// Owners resolves a campaign's owners. With a team, both must be in it, the manager must have
// the manager role, and managerID "" means the rep's own manager. With an empty team, any IDs
// are accepted and managerID is required. Errors name the unknown ID.
func (t Team) Owners(repID, managerID string) (workflows.Owners, error) {
	if repID == "" {
		return workflows.Owners{}, errors.New("rep ID required")
	}
	if len(t.People) == 0 {
		if managerID == "" {
			return workflows.Owners{}, fmt.Errorf("manager ID required for rep %q: there is no team file (WINBACK_TEAM) to look the manager up in", repID)
		}
		return workflows.Owners{Rep: workflows.Person{ID: repID}, Manager: workflows.Person{ID: managerID}}, nil
	}
	rep, ok := t.Person(repID)
	if !ok {
		return workflows.Owners{}, fmt.Errorf("unknown rep %q: not in the team file", repID)
	}
	if managerID == "" {
		if rep.Manager == "" {
			return workflows.Owners{}, fmt.Errorf("rep %q has no manager in the team file: name one", repID)
		}
		managerID = rep.Manager
	}
	manager, ok := t.Person(managerID)
	switch {
	case !ok:
		return workflows.Owners{}, fmt.Errorf("unknown manager %q: not in the team file", managerID)
	case manager.Role != RoleManager:
		return workflows.Owners{}, fmt.Errorf("%q is not a manager (role %q in the team file)", managerID, manager.Role)
	}
	return workflows.Owners{Rep: rep.owner(), Manager: manager.owner()}, nil
}

// owner is the person as a campaign carries it: no role, no password hash.
func (p Person) owner() workflows.Person {
	return workflows.Person{ID: p.ID, Name: p.Name, Email: p.Email, TimeZone: p.TimeZone, Calendar: p.Calendar}
}

// loadTeam reads WINBACK_TEAM, when set.
func loadTeam(src *source, p *problems) Team {
	path, set := src.get("WINBACK_TEAM")
	if !set {
		return Team{}
	}
	team, err := ReadTeam(path)
	if err != nil {
		p.addf("%s: %v", src.origin("WINBACK_TEAM"), err)
	}
	return team
}

// ReadTeam reads and checks a team file (WINBACK_TEAM's format, as in team.example.yaml);
// errors name the file and the person.
func ReadTeam(path string) (Team, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Team{}, err
	}
	var f teamFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return Team{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.People) == 0 {
		return Team{}, fmt.Errorf("%s: no people: list them under `people:`", path)
	}
	team := Team{People: f.People}
	if err := team.check(); err != nil {
		return Team{}, fmt.Errorf("%s: %w", path, err)
	}
	return team, nil
}

// check validates every person and the links between them.
func (t Team) check() error {
	var p problems
	seen := map[string]bool{}
	for i, person := range t.People {
		at := fmt.Sprintf("people[%d] (%q)", i, person.ID)
		switch {
		case person.ID == "":
			p.addf("people[%d]: id required", i)
		case hasSpace(person.ID):
			p.addf("%s: the id contains spaces", at)
		case seen[person.ID]:
			p.addf("%s: the id appears twice", at)
		}
		seen[person.ID] = true
		if person.Role != RoleRep && person.Role != RoleManager {
			p.addf("%s: role %q is not rep or manager", at, person.Role)
		}
		if person.Email != "" {
			if contact.CheckEmail(person.Email) != nil {
				p.addf("%s: %q is not an email address", at, person.Email)
			}
		}
		if person.TimeZone != "" {
			if _, err := time.LoadLocation(person.TimeZone); err != nil {
				p.addf("%s: %q is not an IANA time zone like Europe/Paris", at, person.TimeZone)
			}
		}
		if person.Calendar != nil {
			if err := person.Calendar.Validate(); err != nil {
				p.addf("%s: calendar: %v", at, err)
			}
		}
		if person.PasswordHash != "" {
			if _, err := bcrypt.Cost([]byte(person.PasswordHash)); err != nil {
				p.addf("%s: passwordHash is not a bcrypt hash (make one with `htpasswd -nbBC 10 \"\" PASSWORD | cut -d: -f2`)", at)
			}
		}
		switch manager, ok := t.Person(person.Manager); {
		case person.Manager == "":
			if person.Role == RoleRep {
				p.addf("%s: a rep needs a manager", at)
			}
		case !ok:
			p.addf("%s: manager %q is not in the team", at, person.Manager)
		case manager.Role != RoleManager:
			p.addf("%s: manager %q has role %q, not manager", at, person.Manager, manager.Role)
		}
	}
	return p.err()
}
