package store

import (
	"context"
	"fmt"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// CheckIn implements dispatch.DutyStore.
func (db *DB) CheckIn(ctx context.Context, op string, who dispatch.Person, unit, month string, now time.Time) (dispatch.CheckInResult, error) {
	v, err := db.run(ctx, db.scripts.checkin, op, who.ID, unit, month)
	if err != nil {
		return dispatch.CheckInResult{}, fmt.Errorf("store: check in %s: %w", who.ID, err)
	}
	l := list(v)
	return dispatch.CheckInResult{First: num(l[0]) == 1, Unit: str(l[1])}, nil
}

// MonthFigures implements dispatch.DutyStore.
func (db *DB) MonthFigures(ctx context.Context, month string, top int) (dispatch.MonthFigures, error) {
	v, err := db.run(ctx, db.scripts.figures, "", "month", month, top)
	if err != nil {
		return dispatch.MonthFigures{}, fmt.Errorf("store: month figures %s: %w", month, err)
	}
	l := list(v)
	f := dispatch.MonthFigures{CheckIns: int(num(l[0])), Tasks: int(num(l[1])), Minutes: int(num(l[2]))}
	for _, x := range list(l[3]) {
		m, _ := decodeMember(x)
		f.Top = append(f.Top, dispatch.Volunteer{Person: dispatch.Person{ID: m.ID, Nick: m.Nick}, Unit: m.Unit,
			Minutes: int(num(list(x)[memberViewLen]))})
	}
	return f, nil
}

// UnitFigures implements dispatch.DutyStore.
func (db *DB) UnitFigures(ctx context.Context, month string) ([]dispatch.Volunteer, error) {
	v, err := db.run(ctx, db.scripts.figures, "", "units", month, 0)
	if err != nil {
		return nil, fmt.Errorf("store: unit figures %s: %w", month, err)
	}
	var out []dispatch.Volunteer
	for _, x := range list(v) {
		m, _ := decodeMember(x)
		l := list(x)
		nick := m.Nick
		if m.Name != "" {
			nick = m.Name
		}
		out = append(out, dispatch.Volunteer{Person: dispatch.Person{ID: m.ID, Nick: nick}, Unit: m.Unit,
			CheckIns: int(num(l[memberViewLen])), Tasks: int(num(l[memberViewLen+1])), Minutes: int(num(l[memberViewLen+2]))})
	}
	return out, nil
}

// AssignDuty implements dispatch.DutyStore.
func (db *DB) AssignDuty(ctx context.Context, r dispatch.Roster, day string, dayStart time.Time) ([]string, error) {
	args := []any{r.Name, day, dayStart.Unix(), r.PerDay}
	for _, m := range r.Members {
		args = append(args, m)
	}
	v, err := db.run(ctx, db.scripts.duty, "", args...)
	if err != nil {
		return nil, fmt.Errorf("store: assign duty %s %s: %w", r.Name, day, err)
	}
	return strs(v), nil
}

// TakeLeave implements dispatch.DutyStore.
func (db *DB) TakeLeave(ctx context.Context, op string, rosters []dispatch.Roster, name, day string, dayStart time.Time) (map[string]string, error) {
	args := []any{name, day, dayStart.Unix()}
	for _, r := range rosters {
		args = append(args, r.Name, len(r.Members))
		for _, m := range r.Members {
			args = append(args, m)
		}
	}
	v, err := db.run(ctx, db.scripts.leave, op, args...)
	if err != nil {
		return nil, fmt.Errorf("store: take leave %s: %w", day, err)
	}
	l := strs(v)
	out := make(map[string]string, len(l)/2)
	for i := 0; i+1 < len(l); i += 2 {
		out[l[i]] = l[i+1]
	}
	return out, nil
}
