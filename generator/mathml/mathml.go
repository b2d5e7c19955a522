// Package mathml turns formulas written in TeX into MathML when a site is
// built, with KaTeX run in goja, a JavaScript interpreter written in Go.
// Browsers draw MathML themselves, so a page with math needs no script,
// no web font and no stylesheet of a library, and nothing on it moves
// once it has loaded.
//
// KaTeX is compiled once per Engine, on the first formula, and runs in a
// few interpreters at once, one formula each. Every formula is bounded:
// in size before it runs, in time while it runs (the interpreter is
// interrupted at a deadline), in macro expansions and call depth by
// KaTeX and the interpreter, and in the size of what it makes. Results
// are kept by formula, so a formula met again, on another page or in
// the next build of a long-running process, costs a map lookup.
package mathml

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// Options bound an Engine; a zero field takes its default.
type Options struct {
	// Source is KaTeX's katex.min.js.
	Source string
	// MaxTeX bounds one formula's TeX, in bytes: 32 KiB by default.
	MaxTeX int
	// MaxOutput bounds the MathML of one formula: 1 MiB by default.
	MaxOutput int
	// Timeout bounds the time KaTeX may spend on one formula: 5 s by
	// default, which a formula written by hand never comes near.
	Timeout time.Duration
	// Runtimes is how many formulas may be set at once, each in an
	// interpreter of its own that holds KaTeX: the number of CPUs, at
	// most 4, by default. Formulas are a small part of most builds, and
	// each interpreter costs memory and a first load.
	Runtimes int
	// CacheBytes bounds the results kept: 16 MiB by default. Once full,
	// the cache starts again empty.
	CacheBytes int
}

// Engine renders formulas with one compiled KaTeX. It is safe for
// concurrent use.
type Engine struct {
	opts  Options
	once  sync.Once
	prog  *goja.Program
	err   error
	idle  chan *vm      // interpreters ready for a formula
	slots chan struct{} // a token for each interpreter that may still be made

	mu         sync.Mutex
	cache      map[cacheKey]string
	cacheBytes int
}

type cacheKey struct {
	tex     string
	display bool
}

// vm is one interpreter with KaTeX loaded.
type vm struct {
	rt     *goja.Runtime
	render goja.Callable
}

// New returns an Engine that runs the KaTeX in opts.Source.
func New(opts Options) *Engine {
	if opts.MaxTeX <= 0 {
		opts.MaxTeX = 32 << 10
	}
	if opts.MaxOutput <= 0 {
		opts.MaxOutput = 1 << 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Runtimes <= 0 {
		opts.Runtimes = min(runtime.GOMAXPROCS(0), 4)
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 16 << 20
	}
	e := &Engine{opts: opts, idle: make(chan *vm, opts.Runtimes), slots: make(chan struct{}, opts.Runtimes), cache: map[cacheKey]string{}}
	for range opts.Runtimes {
		e.slots <- struct{}{}
	}
	return e
}

// renderJS calls KaTeX for one formula. Untrusted commands (\href,
// \includegraphics, \htmlStyle and the like) stay refused, as by
// default; maxExpand bounds macros that expand into more macros, and
// maxSize the size of rules and spaces, in em.
const renderJS = `(function (tex, display) {
	return katex.renderToString(tex, {
		output: "mathml", displayMode: display, throwOnError: true,
		trust: false, strict: "ignore", maxExpand: 1000, maxSize: 100
	});
})`

// Render returns the MathML of a formula: a <math> element, display="block"
// for a formula set on a line of its own. A formula KaTeX cannot read, or
// one past a bound, is an error that says why.
func (e *Engine) Render(tex string, display bool) (string, error) {
	if len(tex) > e.opts.MaxTeX {
		return "", fmt.Errorf("formula of %d bytes: at most %d", len(tex), e.opts.MaxTeX)
	}
	key := cacheKey{tex, display}
	e.mu.Lock()
	out, ok := e.cache[key]
	e.mu.Unlock()
	if ok {
		return out, nil
	}
	out, err := e.run(tex, display)
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	if e.cacheBytes+len(out)+len(tex) > e.opts.CacheBytes {
		e.cache, e.cacheBytes = map[cacheKey]string{}, 0
	}
	e.cache[key] = out
	e.cacheBytes += len(out) + len(tex)
	e.mu.Unlock()
	return out, nil
}

// errTimeout is what an interrupted interpreter reports.
var errTimeout = errors.New("timeout")

func (e *Engine) run(tex string, display bool) (string, error) {
	v, err := e.get()
	if err != nil {
		return "", err
	}
	timer := time.AfterFunc(e.opts.Timeout, func() { v.rt.Interrupt(errTimeout) })
	res, err := v.render(goja.Undefined(), v.rt.ToValue(tex), v.rt.ToValue(display))
	if !timer.Stop() {
		// The deadline passed: the interpreter may have been stopped
		// anywhere, so it is not used again.
		e.slots <- struct{}{}
		if ie := (*goja.InterruptedError)(nil); errors.As(err, &ie) {
			return "", fmt.Errorf("KaTeX took longer than %s", e.opts.Timeout)
		}
	} else {
		e.idle <- v
	}
	if err != nil {
		return "", katexError(err)
	}
	return mathOf(res.String(), e.opts.MaxOutput)
}

// get returns an idle interpreter, making one while there are fewer than
// the bound, or else waiting for one.
func (e *Engine) get() (*vm, error) {
	select {
	case v := <-e.idle:
		return v, nil
	default:
	}
	select {
	case v := <-e.idle:
		return v, nil
	case <-e.slots:
		v, err := e.newVM()
		if err != nil {
			e.slots <- struct{}{}
			return nil, err
		}
		return v, nil
	}
}

func (e *Engine) newVM() (*vm, error) {
	e.once.Do(func() {
		if e.opts.Source == "" {
			e.err = errors.New("no KaTeX to run")
			return
		}
		e.prog, e.err = goja.Compile("katex.min.js", e.opts.Source, true)
	})
	if e.err != nil {
		return nil, fmt.Errorf("load KaTeX: %w", e.err)
	}
	rt := goja.New()
	// Deep nesting ends in a RangeError, not in Go's stack limit.
	rt.SetMaxCallStackSize(4096)
	if _, err := rt.RunProgram(e.prog); err != nil {
		return nil, fmt.Errorf("load KaTeX: %w", err)
	}
	fn, err := rt.RunString(renderJS)
	if err != nil {
		return nil, fmt.Errorf("load KaTeX: %w", err)
	}
	call, ok := goja.AssertFunction(fn)
	if !ok {
		return nil, errors.New("load KaTeX: no render function")
	}
	return &vm{rt: rt, render: call}, nil
}

// katexError is KaTeX's message for an error, without the place in
// katex.min.js that threw it.
func katexError(err error) error {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		if obj, ok := ex.Value().(*goja.Object); ok {
			if m := obj.Get("message"); m != nil && !goja.IsUndefined(m) {
				return errors.New(m.String())
			}
		}
		return errors.New(ex.Value().String())
	}
	return err
}

// mathOf takes the <math> element out of KaTeX's wrapper, and refuses
// what a strict Content-Security-Policy would: a style attribute.
func mathOf(out string, limit int) (string, error) {
	if len(out) > limit {
		return "", fmt.Errorf("the formula makes %d bytes of MathML: at most %d", len(out), limit)
	}
	start, end := strings.Index(out, "<math"), strings.LastIndex(out, "</math>")
	if start < 0 || end < start {
		return "", errors.New("KaTeX made no MathML")
	}
	m := out[start : end+len("</math>")]
	if strings.Contains(m, " style=") {
		return "", errors.New("KaTeX made inline style, which the site's Content-Security-Policy refuses")
	}
	return m, nil
}
