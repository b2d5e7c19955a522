package frontmatter

import (
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// The decoders of front matter. adrg/frontmatter brings decoders of its
// own (yaml.v2, which is no longer maintained, and
// BurntSushi/toml); Folio hands it these instead, so YAML and TOML are
// read by the same libraries everywhere, folio.toml included.

// yamlUnmarshal decodes YAML as yaml.v2 did into untyped values: a
// timestamp stays the text it was written as, so that a date without a
// zone is read in the site's time zone, not in UTC.
func yamlUnmarshal(data []byte, v any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	if doc.Kind == 0 {
		return nil // an empty block
	}
	plainTimestamps(&doc)
	return doc.Decode(v)
}

// plainTimestamps makes every timestamp below n text. Aliases are not
// followed: the node they name is reached where it was written.
func plainTimestamps(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" {
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		plainTimestamps(c)
	}
}

// Placeholder zones for TOML's local dates and times, which ParseValue
// reads in the site's time zone.
var (
	localDate     = time.FixedZone("date-local", 0)
	localDateTime = time.FixedZone("datetime-local", 0)
	localTime     = time.FixedZone("time-local", 0)
)

// tomlUnmarshal decodes TOML, turning its local dates and times into
// time.Time in a placeholder zone, so templates and ParseValue see every
// date as a time.Time.
func tomlUnmarshal(data []byte, v any) error {
	if err := toml.Unmarshal(data, v); err != nil {
		return err
	}
	if m, ok := v.(*map[string]any); ok {
		localTimes(*m)
	}
	return nil
}

// localTimes replaces the local dates and times in v, a decoded table or
// array, and returns v or the time that replaces it.
func localTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = localTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = localTimes(e)
		}
	case toml.LocalDate:
		return x.AsTime(localDate)
	case toml.LocalDateTime:
		return x.AsTime(localDateTime)
	case toml.LocalTime:
		return time.Date(0, 1, 1, x.Hour, x.Minute, x.Second, x.Nanosecond, localTime)
	}
	return v
}
