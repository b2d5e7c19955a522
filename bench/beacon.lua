-- wrk script: page-view beacons as browsers send them, from 65,536 reader
-- networks (X-Forwarded-For, believed from 127.0.0.1), over 20 pages.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Origin"] = "https://bench.example"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
wrk.headers["Accept-Language"] = "de-DE,de;q=0.9"
local i = 0
request = function()
	i = i + 1
	wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.7", math.floor(i / 256) % 256, i % 256)
	return wrk.format(nil, "/api/event", nil, '{"p":"/p' .. (i % 20) .. '/","r":""}')
end
