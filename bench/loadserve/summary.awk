# summary.awk reads loadserve logs of several rounds and prints the
# median of each metric (and the JSON peak over the same round's noop).
function ms(s) {
	if (s ~ /µs$/) { sub(/µs$/, "", s); return s / 1000 }
	if (s ~ /ms$/) { sub(/ms$/, "", s); return s + 0 }
	if (s ~ /ns$/) { sub(/ns$/, "", s); return s / 1e6 }
	if (s ~ /s$/) { sub(/s$/, "", s); return s * 1000 }
	return s + 0
}
function median(arr, n,    i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
	return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
/^[a-z-]+ \(/ { phase = $1; next }
phase == "noop" && /req\/s/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") noop[++nn] = $(i - 1) }
phase == "json-peak" && /req\/s/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") { peak[++np] = $(i - 1); if (nn >= np) ratio[np] = peak[np] / noop[np] } }
phase == "json-rate" && /actual send/ {
	line = $0; sub(/.*actual send p50 /, "", line); split(line, a, /[,;] p99 |;/)
	p50[++nr] = ms(a[1]); p99[nr] = ms(a[2])
}
/^  cpu / { c = $2; if (phase == "noop") cnoop[++ncn] = c; if (phase == "json-peak") cpeak[++ncp] = c; if (phase == "arrow") carrow[++nca] = c }
phase == "arrow" && /M rows\/s/ { for (i = 1; i <= NF; i++) if ($i == "M") arrow[++na] = $(i - 1) }
END {
	if (nn) printf "  noop ceiling         %8.0f req/s\n", median(noop, nn)
	if (nr) printf "  json at the rate     p50 %.3f ms, p99 %.3f ms (from the actual send)\n", median(p50, nr), median(p99, nr)
	if (np) printf "  json peak            %8.0f req/s\n", median(peak, np)
	if (np && nn >= np) printf "  json peak / noop     %8.2f\n", median(ratio, np)
	if (na) printf "  arrow 4,096-row      %8.2f M rows/s\n", median(arrow, na)
	if (ncn) printf "  cpu per request, noop       %6.1f µs (client and server)\n", median(cnoop, ncn)
	if (ncp) printf "  cpu per request, json peak  %6.1f µs\n", median(cpeak, ncp)
	if (nca) printf "  cpu per request, arrow      %6.0f µs (4,096 rows)\n", median(carrow, nca)
}
