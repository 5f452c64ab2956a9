package config_test

import (
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

func exampleTeam(t *testing.T) config.Team {
	t.Helper()
	return newVars(t, "WINBACK_TEAM", "team.example.yaml").load(t).Team
}

func TestExampleTeam(t *testing.T) {
	team := exampleTeam(t)
	if len(team.People) != 3 {
		t.Fatalf("%d people, want alice, bob and maria", len(team.People))
	}
	// The passwords documented at the top of team.example.yaml.
	for id, password := range map[string]string{"alice": "alice-demo", "bob": "bob-demo", "maria": "maria-demo"} {
		p, ok := team.Person(id)
		if !ok {
			t.Fatalf("%s missing", id)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(p.PasswordHash), []byte(password)); err != nil {
			t.Errorf("%s: documented demo password does not match the hash: %v", id, err)
		}
	}
	if _, ok := team.Person("mallory"); ok {
		t.Error("Person found someone who is not in the team")
	}
}

func TestOwners(t *testing.T) {
	team := exampleTeam(t)
	alice := workflows.Person{ID: "alice", Name: "Alice Archer", Email: "alice@example.com", TimeZone: "America/New_York"}
	maria := workflows.Person{ID: "maria", Name: "Maria Moreno", Email: "maria@example.com", TimeZone: "America/New_York"}

	got, err := team.Owners("alice", "")
	if err != nil || got != (workflows.Owners{Rep: alice, Manager: maria}) {
		t.Errorf("Owners(alice, \"\") = %+v, %v; want alice and her manager maria", got, err)
	}
	got, err = team.Owners("alice", "maria")
	if err != nil || got.Manager.ID != "maria" {
		t.Errorf("Owners(alice, maria) = %+v, %v", got, err)
	}

	for _, tc := range []struct{ rep, manager, mention string }{
		{"", "maria", "rep ID required"},
		{"mallory", "", `unknown rep "mallory"`},
		{"alice", "mario", `unknown manager "mario"`},
		{"alice", "bob", `"bob" is not a manager`},
		{"maria", "", `rep "maria" has no manager`},
	} {
		_, err := team.Owners(tc.rep, tc.manager)
		assertMentions(t, err, tc.mention)
	}
}

func TestOwnersWithoutTeam(t *testing.T) {
	got, err := config.Team{}.Owners("alice", "maria")
	want := workflows.Owners{Rep: workflows.Person{ID: "alice"}, Manager: workflows.Person{ID: "maria"}}
	if err != nil || got != want {
		t.Errorf("Owners = %+v, %v; want bare IDs", got, err)
	}
	_, err = config.Team{}.Owners("alice", "")
	assertMentions(t, err, "manager ID required", `"alice"`, "WINBACK_TEAM")
}

func TestTeamFileErrors(t *testing.T) {
	const hash = "$2a$10$bwho1AQ8t7uSkvFzoZGC3.z.o1tA1LhR7O9mC5rwL8npXmuvZiIMu"
	for _, tc := range []struct{ name, content, mention string }{
		{"empty", "", "no people"},
		{"unknown field", "people: [{id: a, role: manager, pasword: x}]", "field pasword not found"},
		{"no id", "people: [{role: manager}]", "people[0]: id required"},
		{"id with space", "people: [{id: a b, role: manager}]", `people[0] ("a b"): the id contains spaces`},
		{"duplicate", "people: [{id: m, role: manager}, {id: m, role: manager}]", `people[1] ("m"): the id appears twice`},
		{"role", "people: [{id: m, role: boss}]", `role "boss" is not rep or manager`},
		{"rep without manager", "people: [{id: a, role: rep}]", `people[0] ("a"): a rep needs a manager`},
		{"unknown manager", "people: [{id: a, role: rep, manager: zed}]", `manager "zed" is not in the team`},
		{"manager is a rep", "people: [{id: a, role: rep, manager: b}, {id: b, role: rep, manager: a}]", `manager "b" has role "rep"`},
		{"email", "people: [{id: m, role: manager, email: nope}]", `"nope" is not an email address`},
		{"time zone", "people: [{id: m, role: manager, timeZone: Mars/Olympus}]", `"Mars/Olympus" is not an IANA time zone`},
		{"password hash", "people: [{id: m, role: manager, passwordHash: hunter2}]", "passwordHash is not a bcrypt hash"},
		{"calendar days", "people: [{id: m, role: manager, calendar: {days: [monday]}}]", `people[0] ("m"): calendar: days: "monday" is not one of`},
		{"calendar hours", "people: [{id: m, role: manager, calendar: {start: '18:00', end: '09:00'}}]", `calendar: end 09:00 is not after start 18:00`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := newVars(t, "WINBACK_TEAM", writeFile(t, "team.yaml", tc.content)).loadErr(t)
			assertMentions(t, err, "WINBACK_TEAM", "team.yaml", tc.mention)
			if tc.name == "password hash" && contains(err, "hunter2") {
				t.Error("error shows the password hash")
			}
		})
	}
	// A valid hash passes.
	newVars(t, "WINBACK_TEAM", writeFile(t, "team.yaml", "people: [{id: m, role: manager, passwordHash: '"+hash+"'}]")).load(t)
}
