package attention

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// cacheInfo holds the per-core data cache sizes in bytes that the strip
// path sizes its tiles from.
type cacheInfo struct{ l1, l2 int }

// defaultCache is assumed when the sizes cannot be read: 32 KiB L1d and
// 1 MiB L2, smaller than most x86 server cores since 2017, so tiles stay
// in cache when the guess is wrong.
var defaultCache = cacheInfo{l1: 32 << 10, l2: 1 << 20}

// caches returns the sizes of CPU 0's level-1 data and level-2 caches from
// Linux's /sys/devices/system/cpu/cpu0/cache, or defaultCache elsewhere or
// for any value it cannot read (each within [16 KiB, 64 MiB] to count).
var caches = sync.OnceValue(func() cacheInfo {
	return readCaches("/sys/devices/system/cpu/cpu0/cache")
})

func readCaches(dir string) cacheInfo {
	c := defaultCache
	for i := range 8 {
		base := dir + "/index" + strconv.Itoa(i) + "/"
		level, err1 := os.ReadFile(base + "level")
		typ, err2 := os.ReadFile(base + "type")
		size, err3 := os.ReadFile(base + "size")
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		n, ok := parseCacheSize(string(size))
		if !ok {
			continue
		}
		switch t := strings.TrimSpace(string(typ)); strings.TrimSpace(string(level)) {
		case "1":
			if t == "Data" {
				c.l1 = n
			}
		case "2":
			if t == "Unified" || t == "Data" {
				c.l2 = n
			}
		}
	}
	return c
}

// parseCacheSize parses sysfs sizes such as "48K" or "2048K" or "2M".
func parseCacheSize(s string) (int, bool) {
	s = strings.TrimSpace(s)
	mult := 1
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > (64<<20)/mult || n*mult < 16<<10 {
		return 0, false
	}
	return n * mult, true
}
