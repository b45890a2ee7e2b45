package applet

import (
	"os"
	"strings"
	"time"
)

// Location returns the container's time zone: $TZ (a zoneinfo name, read
// from the container's /usr/share/zoneinfo), else /etc/localtime, else UTC.
// Go's wasip1 runtime has no zone database of its own, so applets load it
// from the image as the C library would.
func (e *Env) Location() *time.Location {
	if e.loc == nil {
		e.loc = e.location()
	}
	return e.loc
}

func (e *Env) location() *time.Location {
	tz, set := e.LookupEnv("TZ")
	tz = strings.TrimPrefix(tz, ":")
	switch {
	case set && (tz == "" || tz == "UTC" || tz == "UTC0" || tz == "GMT"):
		return time.UTC
	case set:
		if loc := loadZone(tz, "/usr/share/zoneinfo/"+tz); loc != nil {
			return loc
		}
		if strings.HasPrefix(tz, "/") {
			if loc := loadZone(tz, tz); loc != nil {
				return loc
			}
		}
		return time.UTC
	}
	if loc := loadZone("Local", "/etc/localtime"); loc != nil {
		return loc
	}
	return time.UTC
}

func loadZone(name, file string) *time.Location {
	if strings.Contains(name, "..") {
		return nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	loc, err := time.LoadLocationFromTZData(name, b)
	if err != nil {
		return nil
	}
	return loc
}
