# Shared by the bench scripts that start servers: source it after setting
# work (a scratch folder) and pids=().

# start CMD...: runs CMD in the background and waits for the address it
# prints, left in $url.
start() {
	local out="$work/out.${#pids[@]}"
	rm -f "$out" # a server of an earlier round wrote its address there
	"$@" >"$out" 2>>"$work/stderr.log" &
	pids+=($!)
	for _ in $(seq 600); do
		url=$(grep -o 'http://[0-9.:]*' "$out" 2>/dev/null | head -n 1 || true)
		if [ -n "$url" ]; then
			return
		fi
		sleep 0.05
	done
	echo "did not start: $*" >&2
	cat "$work/stderr.log" >&2
	exit 1
}
stop_all() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
