package store

import (
	"context"
	"fmt"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// memberViewLen is the length of lua/prelude.lua's member_view; scripts append their own
// figures after it.
const memberViewLen = 8

func decodeMember(v any) (dispatch.Member, bool) {
	l := list(v)
	if len(l) < memberViewLen {
		return dispatch.Member{}, false
	}
	m := dispatch.Member{ID: str(l[0]), Nick: str(l[1]), Name: str(l[2]), Unit: str(l[3]),
		Team: str(l[4]), Coordinator: str(l[5]) == "1"}
	m.Teams = strs(l[6])
	m.Handle = str(l[7])
	return m, true
}

// Resolve implements dispatch.PeopleStore.
func (db *DB) Resolve(ctx context.Context, ident, nick, team string, now time.Time) (dispatch.Member, error) {
	v, err := db.run(ctx, db.scripts.resolve, "", ident, nick, team, now.Unix())
	if err != nil {
		return dispatch.Member{}, fmt.Errorf("store: resolve member: %w", err)
	}
	m, _ := decodeMember(v)
	return m, nil
}

// MembersNamed implements dispatch.PeopleStore.
func (db *DB) MembersNamed(ctx context.Context, name string) (byHandle, byName []dispatch.Member, err error) {
	// The transports whose identities the name is also looked up under, for members last
	// seen before their handle was indexed (see lua/member.lua).
	v, err := db.run(ctx, db.scripts.member, "", name, "wechat", "wecom", "console")
	if err != nil {
		return nil, nil, fmt.Errorf("store: find members named %s: %w", dispatch.MaskName(name), err)
	}
	l := list(v)
	if len(l) != 2 {
		return nil, nil, fmt.Errorf("store: find members named %s: unexpected reply", dispatch.MaskName(name))
	}
	for i, dst := range []*[]dispatch.Member{&byHandle, &byName} {
		for _, mv := range list(l[i]) {
			if m, ok := decodeMember(mv); ok {
				*dst = append(*dst, m)
			}
		}
	}
	return byHandle, byName, nil
}

// Register implements dispatch.PeopleStore.
func (db *DB) Register(ctx context.Context, op, id, name, unit string, now time.Time) (dispatch.Member, int, error) {
	v, err := db.run(ctx, db.scripts.register, op, id, name, unit)
	if err != nil {
		return dispatch.Member{}, 0, fmt.Errorf("store: register %s: %w", id, err)
	}
	l := list(v)
	m, _ := decodeMember(l[0])
	return m, int(num(l[1])), nil
}

// Relink implements dispatch.PeopleStore.
func (db *DB) Relink(ctx context.Context, op, id, name string) (dispatch.Member, error) {
	v, err := db.run(ctx, db.scripts.relink, op, id, name)
	if err != nil {
		return dispatch.Member{}, fmt.Errorf("store: relink %s: %w", id, err)
	}
	l := list(v)
	switch num(l[0]) {
	case 2:
		return dispatch.Member{}, notFound("member named", dispatch.MaskName(name))
	case 3, 4:
		return dispatch.Member{}, fmt.Errorf("store: relink %s (outcome %d): %w", id, num(l[0]), dispatch.ErrConflict)
	}
	m, _ := decodeMember(l[1])
	return m, nil
}

// Promote implements dispatch.PeopleStore.
func (db *DB) Promote(ctx context.Context, op, id string) error {
	if err := db.rdb.HSet(ctx, db.keys.member(id), "coord", 1).Err(); err != nil {
		return fmt.Errorf("store: promote %s: %w", id, err)
	}
	return nil
}
