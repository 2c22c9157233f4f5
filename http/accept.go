package http

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// negotiate is the media type of alts, JSON first, that the request's Accept weighs
// most (RFC 9110 §12.5.1). Each alternative weighs the q of the most specific range
// that matches it (type/subtype before type/*, before */*), q=0 (or 0.0, 0.000)
// refusing it; of two of one weight, the one whose range the header names first; of
// two under one range, the first of alts. Every Accept line of the request counts, as
// one list. The answer is alts[0] when the request has no Accept or accepts none of
// alts: the header is a preference, and JSON is the API's answer.
func negotiate(r *http.Request, alts ...string) string {
	type weight struct {
		q        float64
		at, spec int // the range's place in the header and how specific it is
	}
	best := make([]weight, len(alts))
	for i := range best {
		best[i] = weight{q: -1}
	}
	for at, part := range strings.Split(strings.Join(r.Header.Values("Accept"), ","), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q, ok := qvalue(params["q"])
		if !ok {
			continue
		}
		typ, sub, _ := strings.Cut(mt, "/")
		for i, alt := range alts {
			atyp, asub, _ := strings.Cut(alt, "/")
			spec := 0
			switch {
			case typ == atyp && sub == asub:
				spec = 3
			case typ == atyp && sub == "*":
				spec = 2
			case typ == "*" && sub == "*":
				spec = 1
			default:
				continue
			}
			if spec > best[i].spec {
				best[i] = weight{q: q, at: at, spec: spec}
			}
		}
	}
	pick := 0
	for i, w := range best {
		if w.q > best[pick].q || w.q == best[pick].q && w.q > 0 && w.at < best[pick].at {
			pick = i
		}
	}
	if best[pick].q <= 0 {
		return alts[0]
	}
	return alts[pick]
}

// qvalue is the weight of a range of Accept, from its q parameter ("" is 1), and
// whether the parameter is a weight: 0 to 1, with up to three decimals (RFC 9110
// §12.4.2). A range of another q is not heeded.
func qvalue(s string) (float64, bool) {
	if s == "" {
		return 1, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole != "0" && whole != "1" || len(frac) > 3 {
		return 0, false
	}
	for _, c := range frac {
		if c < '0' || c > '9' || whole == "1" && c != '0' {
			return 0, false
		}
	}
	q, err := strconv.ParseFloat(s, 64)
	return q, err == nil
}
