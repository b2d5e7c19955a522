// Command bare204 answers every request with 204 No Content after reading
// its body: the ceiling that bench/postgres.sh measures folio collect
// against, with the same HTTP server and the same load.
//
//	go run ./bench/bare204 -addr 127.0.0.1:8090
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare204:", err)
		os.Exit(1)
	}
	fmt.Printf("answering 204 at http://%s/\n", ln.Addr())
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 4096))
		w.WriteHeader(http.StatusNoContent)
	}))
	fmt.Fprintln(os.Stderr, "bare204:", err)
	os.Exit(1)
}
