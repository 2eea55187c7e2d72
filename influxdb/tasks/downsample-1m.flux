// 1-minute means of the numeric fields into `cryopilot_long`, for trends over years.
// Every run recomputes the last 6 hours: points replayed late after an outage (with their
// original timestamps) are folded in; a recomputed window overwrites the same points.
option task = {name: "cryopilot-downsample-1m", every: 15m, offset: 1m}

from(bucket: "cryopilot")
    |> range(start: -6h)
    |> filter(
        fn: (r) =>
            (r._measurement == "channel" and (r._field == "value" or r._field == "ma"))
                or (r._measurement == "valve" and r._field == "output")
                or (r._measurement == "diagnostics"
                    and contains(value: r._field, set: ["cpu_temp_c", "supply_v", "pi5v_v"])),
    )
    |> aggregateWindow(every: 1m, fn: mean, createEmpty: false)
    |> to(bucket: "cryopilot_long")
