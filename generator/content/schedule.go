package content

import (
	"time"

	"folio/generator"
)

// Scheduling
//
// A page with a publishDate still to come, or an expiryDate gone by, is
// left out of the site the way a draft is: no page, no entry in the
// feeds, sitemap, search index, taxonomies or navigation. Options.Future
// and Options.Expired let such pages in (folio build -future, -expired,
// and folio serve, which shows everything), each with a banner that says
// why it would otherwise be missing. "Now" is Options.Now, so that tests
// pick the moment; dates written without a zone are in the site's time
// zone, and banners name days in it too.

// scheduleDay is how a banner names a day.
const scheduleDay = "January 2, 2006"

// schedule decides whether a parsed page is published now. It returns
// why a page is left out, or "" for a page let in; one let in outside its
// dates gets its banner in Schedule.
func (b *Loader) schedule(p *generator.Page) string {
	fm := p.FM
	if fm == nil || (fm.PublishDate.IsZero() && fm.ExpiryDate.IsZero()) {
		return ""
	}
	now := b.now()
	for _, t := range []time.Time{fm.PublishDate, fm.ExpiryDate} {
		if t.After(now) && (b.NextSchedule.IsZero() || t.Before(b.NextSchedule)) {
			b.NextSchedule = t
		}
	}
	loc := b.cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	switch {
	case !fm.PublishDate.IsZero() && fm.PublishDate.After(now):
		if !b.future {
			return "its publishDate is still to come"
		}
		p.Schedule = "Scheduled for " + fm.PublishDate.In(loc).Format(scheduleDay)
	case !fm.ExpiryDate.IsZero() && !fm.ExpiryDate.After(now):
		if !b.expired {
			return "its expiryDate is past"
		}
		p.Schedule = "Expired on " + fm.ExpiryDate.In(loc).Format(scheduleDay)
	}
	return ""
}

func (b *Loader) now() time.Time {
	if b.clock != nil {
		return b.clock()
	}
	return time.Now()
}
