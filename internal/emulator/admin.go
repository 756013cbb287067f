package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AdminPath is where the emulator's own administration endpoints live, beside
// the tenant's API, so that a user can rehearse a failure by hand:
//
//	POST /_emulator/faults                 inject a fault (adminFault as JSON)
//	POST /_emulator/rotate                 rotate out of band, as in the dashboard
//	PUT  /_emulator/clients/{id}/scopes    set a client's scopes: {"scopes": [...]}
//	GET  /_emulator/state                  keys as stored, rotations, revocations
//	PUT  /_emulator/keys/{kid}/dates       {"current_since": RFC 3339, "current_until": RFC 3339}
//	PUT  /_emulator/gateway-jwks           the key set the gateway at GatewayJWKSPath serves
//	PUT  /_emulator/rotation-limit         rotations a day, as some plans limit them: {"per_day": 5} (0: none)
//
// They need no token (the emulator listens on loopback only) and are not
// recorded in the request log.
const AdminPath = "/_emulator"

// adminFault is a Fault as the admin endpoint takes it, durations written
// as Go durations ("2s", "10m").
type adminFault struct {
	Op              Operation `json:"op"`
	Times           int       `json:"times"`
	Status          int       `json:"status"`
	ResetIn         string    `json:"reset_in"`
	RetryAfter      bool      `json:"retry_after"`
	RetryAfterDate  bool      `json:"retry_after_date"`
	Message         string    `json:"message"`
	Drop            bool      `json:"drop"`
	RedirectTo      string    `json:"redirect_to"`
	Unreadable      bool      `json:"unreadable"`
	Oversize        bool      `json:"oversize"`
	AfterProcessing bool      `json:"after_processing"`
	Delay           string    `json:"delay"`
	Skip            int       `json:"skip"`
	RotateFirst     bool      `json:"rotate_first"`
}

func (a adminFault) fault() (Fault, error) {
	f := Fault{Op: a.Op, Times: a.Times, Status: a.Status, RetryAfter: a.RetryAfter, RetryAfterDate: a.RetryAfterDate, Message: a.Message, Drop: a.Drop,
		RedirectTo: a.RedirectTo, Unreadable: a.Unreadable, Oversize: a.Oversize, AfterProcessing: a.AfterProcessing, Skip: a.Skip, RotateFirst: a.RotateFirst}
	if a.Op != "" && !slices.Contains(Operations, a.Op) {
		names := make([]string, len(Operations))
		for i, op := range Operations {
			names[i] = string(op)
		}
		return f, fmt.Errorf("op: %q is not one of %s (or empty, for all)", a.Op, strings.Join(names, ", "))
	}
	var err error
	if f.ResetIn, err = optionalDuration("reset_in", a.ResetIn); err != nil {
		return f, err
	}
	f.Delay, err = optionalDuration("delay", a.Delay)
	return f, err
}

func optionalDuration(name, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: %q is not a duration such as 2s or 10m", name, s)
	}
	return d, nil
}

func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+AdminPath+"/faults", func(w http.ResponseWriter, r *http.Request) {
		var a adminFault
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
			adminError(w, "the body is not a fault: "+err.Error())
			return
		}
		f, err := a.fault()
		if err != nil {
			adminError(w, err.Error())
			return
		}
		s.InjectFault(f)
		writeJSON(w, http.StatusCreated, a)
	})
	mux.HandleFunc("POST "+AdminPath+"/rotate", func(w http.ResponseWriter, _ *http.Request) {
		k, err := s.Rotate()
		if err != nil {
			keyError(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"kid": k.KID, "cert": k.Cert})
	})
	mux.HandleFunc("PUT "+AdminPath+"/clients/{id}/scopes", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Scopes []string `json:"scopes"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, "the body is not {\"scopes\": [...]}: "+err.Error())
			return
		}
		if !s.SetClientScopes(r.PathValue("id"), body.Scopes) {
			apiError(w, http.StatusNotFound, "Not Found", "no client "+r.PathValue("id"), "")
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
	mux.HandleFunc("GET "+AdminPath+"/state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"keys": s.Keys(), "rotations": s.Rotations(), "revocations": s.Revocations()})
	})
	s.adminKeyRoutes(mux)
	s.adminLimitRoutes(mux)
}

// adminKeyRoutes sets key dates and the gateway's key set.
func (s *Server) adminKeyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("PUT "+AdminPath+"/keys/{kid}/dates", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			CurrentSince time.Time `json:"current_since"`
			CurrentUntil time.Time `json:"current_until"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, "the body is not {\"current_since\": ..., \"current_until\": ...} in RFC 3339: "+err.Error())
			return
		}
		if !s.SetKeyDates(r.PathValue("kid"), body.CurrentSince, body.CurrentUntil) {
			keyError(w, errKeyNotFound)
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
	mux.HandleFunc("PUT "+AdminPath+"/gateway-jwks", func(w http.ResponseWriter, r *http.Request) {
		var jwks struct {
			Keys []map[string]any `json:"keys"`
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			err = json.Unmarshal(body, &jwks)
		}
		if err != nil {
			adminError(w, "the body is not a JSON Web Key Set: "+fmt.Sprint(err))
			return
		}
		s.SetGatewayJWKS(body)
		writeJSON(w, http.StatusOK, jwks)
	})
}

func adminError(w http.ResponseWriter, message string) {
	apiError(w, http.StatusBadRequest, "Bad Request", message, "")
}

// adminLimitRoutes set the tenant's daily limit of rotations and its rate
// limit.
func (s *Server) adminLimitRoutes(mux *http.ServeMux) {
	mux.HandleFunc("PUT "+AdminPath+"/rotation-limit", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			PerDay int `json:"per_day"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.PerDay < 0 {
			adminError(w, "the body is not {\"per_day\": n} with n at least 0")
			return
		}
		s.LimitRotationsPerDay(body.PerDay)
		writeJSON(w, http.StatusOK, body)
	})
	mux.HandleFunc("PUT "+AdminPath+"/rate-limit", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Burst     int     `json:"burst"`
			PerSecond float64 `json:"per_second"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			adminError(w, "the body is not {\"burst\": n, \"per_second\": r}")
			return
		}
		if err := s.SetRateLimit(RateLimit{Burst: body.Burst, PerSecond: body.PerSecond}); err != nil {
			adminError(w, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
}
