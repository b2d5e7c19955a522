//go:build race

package build

// raceDetector reports whether the tests run with -race, under which big
// builds are too slow to be worth it: the concurrency they would check is
// the same as a small site's.
const raceDetector = true
