package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

func (s *Service) register(ctx context.Context, t *turn, c Register) ([]Post, error) {
	unit := s.canonicalUnit(c.Unit)
	m, err := s.st.Register(ctx, t.op, t.me.ID, identity(t.m), c.Name, unit, t.now)
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", t.me.ID, err)
	}
	switch {
	case m.ID != t.me.ID:
		return []Post{t.reply(fmt.Sprintf(replyRelinked, m.Name))}, nil
	case m.Unit != "":
		return []Post{t.reply(fmt.Sprintf(replyRegisteredUnit, m.Name, m.Unit))}, nil
	}
	return []Post{t.reply(fmt.Sprintf(replyRegistered, m.Name))}, nil
}

// canonicalUnit expands a unit typed by prefix ("水务") to its configured name.
func (s *Service) canonicalUnit(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return ""
	}
	var match string
	for _, name := range s.c.Units {
		if strings.HasPrefix(name, u) || strings.Contains(name, u) {
			if match != "" {
				return u // ambiguous: keep what was typed
			}
			match = name
		}
	}
	if match == "" {
		return u
	}
	return match
}

func (s *Service) promote(ctx context.Context, t *turn, c Promote) ([]Post, error) {
	if err := require(t, RoleCoordinator, "设置协调员"); err != nil {
		return nil, err
	}
	m, err := s.st.MemberByNick(ctx, c.Nick)
	if errors.Is(err, ErrNotFound) {
		return nil, refuse(fmt.Sprintf(replyNoMember, c.Nick))
	}
	if err != nil {
		return nil, fmt.Errorf("promote: find %q: %w", c.Nick, err)
	}
	if err := s.st.Promote(ctx, t.op, m.ID); err != nil {
		return nil, fmt.Errorf("promote %s: %w", m.ID, err)
	}
	p := t.reply(fmt.Sprintf(replyPromotedCoord, m.Nick))
	return []Post{p}, nil
}
