// Package config reads a site's folio.toml into a Config and checks it.
//
// It owns the configuration's keys, defaults and validation; it never
// reads anything but the configuration file.
package config
