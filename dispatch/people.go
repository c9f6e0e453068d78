package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

func (s *Service) register(ctx context.Context, t *turn, c Register) ([]Post, error) {
	if c.Nick != "" {
		return s.relink(ctx, t, c)
	}
	unit, err := s.unit(c.Unit)
	if err != nil {
		return nil, err
	}
	m, namesakes, err := s.st.Register(ctx, t.op, t.me.ID, c.Name, unit, t.now)
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", t.me.ID, err)
	}
	text := fmt.Sprintf(replyRegistered, m.Name)
	if m.Unit != "" {
		text = fmt.Sprintf(replyRegisteredUnit, m.Name, m.Unit)
	}
	if namesakes > 0 {
		text += fmt.Sprintf(replyNamesake, m.Name, m.Name, t.me.Nick)
	}
	return []Post{t.reply(text)}, nil
}

// relink is a coordinator merging a renamed person's new identity into their record.
// Only a coordinator may: anyone can type anyone's name.
func (s *Service) relink(ctx context.Context, t *turn, c Register) ([]Post, error) {
	if err := require(t, RoleCoordinator, "合并成员记录"); err != nil {
		return nil, err
	}
	who, err := s.person(ctx, c.Nick)
	if err != nil {
		return nil, err
	}
	if _, err := s.st.Relink(ctx, t.op, who.ID, c.Name); err != nil {
		switch {
		case errors.Is(err, ErrNotFound):
			return nil, refuse(fmt.Sprintf(replyRelinkNone, c.Name))
		case errors.Is(err, ErrConflict):
			return nil, refuse(fmt.Sprintf(replyRelinkRefused, c.Nick, c.Name))
		}
		return nil, fmt.Errorf("relink %s: %w", who.ID, err)
	}
	return []Post{mention(t.reply(fmt.Sprintf(replyRelinked, c.Nick, c.Name)), c.Nick)}, nil
}

// unit matches a unit typed in 报到 or 登记 against config's units, as 派单 matches
// parties: the exact name, or the one unit whose name contains what was typed ("水务").
// An unknown or ambiguous unit is refused with the candidates, so that 报到 不存在的单位
// does not become a unit of its own in the monthly feedback. Punctuation around it is
// dropped ("报到！" is a plain 报到).
func (s *Service) unit(u string) (string, error) {
	u = strings.TrimFunc(u, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if u == "" {
		return "", nil
	}
	if slices.Contains(s.c.Units, u) {
		return u, nil
	}
	var matches []string
	for _, name := range s.c.Units {
		if strings.Contains(name, u) {
			matches = append(matches, name)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		shown := []rune(u)
		if len(shown) > 20 {
			shown = append(shown[:20], '…')
		}
		return "", refuse(fmt.Sprintf(replyUnknownUnit, string(shown), strings.Join(s.c.Units, "、")))
	}
	return "", refuse(fmt.Sprintf(replyAmbiguousUnit, u, strings.Join(matches, "、")))
}

func (s *Service) promote(ctx context.Context, t *turn, c Promote) ([]Post, error) {
	if err := require(t, RoleCoordinator, "设置协调员"); err != nil {
		return nil, err
	}
	m, err := s.person(ctx, c.Nick)
	if err != nil {
		return nil, err
	}
	if err := s.st.Promote(ctx, t.op, m.ID); err != nil {
		return nil, fmt.Errorf("promote %s: %w", m.ID, err)
	}
	p := t.reply(fmt.Sprintf(replyPromotedCoord, m.Nick))
	return []Post{p}, nil
}

// person finds who @name means in 指派, 设为协调员 and 登记 … @名字: through stable
// identities only (spec "Who a name means"). A handle (WeChat NickName, WeCom userid) is
// the strongest: it is the identity itself, while a registered name is anyone's to type.
// So one member with the handle is the answer; failing that, one member who registered
// the name. A name that could mean two people is refused with the candidates, and a
// group display name is never consulted: anyone can set theirs to anyone's name.
func (s *Service) person(ctx context.Context, name string) (Member, error) {
	name = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), "@"))
	byHandle, byName, err := s.st.MembersNamed(ctx, name)
	if err != nil {
		return Member{}, fmt.Errorf("find %s: %w", MaskName(name), err)
	}
	for _, ms := range [][]Member{byHandle, byName} {
		switch len(ms) {
		case 0:
			continue
		case 1:
			return ms[0], nil
		}
		var who []string
		for _, m := range ms {
			who = append(who, s.candidate(m))
		}
		return Member{}, refuse(fmt.Sprintf(replyAmbiguousMember, name, len(ms), strings.Join(who, "、")))
	}
	return Member{}, refuse(fmt.Sprintf(replyNoMember, name))
}

// candidate describes a member among several a name may mean: their handle, which tells
// them apart, and their registered name, marked as personal for a resident.
func (s *Service) candidate(m Member) string {
	h := m.Handle
	if h == "" {
		h = m.Nick
	}
	if m.Name == "" {
		return "@" + h
	}
	name := m.Name
	if len(m.Teams) == 0 && !m.Coordinator && !slices.Contains(s.c.Coordinators, h) {
		name = personal(name)
	}
	return fmt.Sprintf("@%s（登记：%s）", h, name)
}
