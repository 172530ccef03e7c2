-- SPDX-License-Identifier: MIT
-- A dataset shaped like the real record the HTML report must stay readable on (issue 16): the
-- releases of 2020-2026, sixteen counts of the detainees Azerbaijan holds over five years by
-- eight claimants with long names, totals with their breakdowns (4,354 = 3,503 + 841 + 9 and
-- two close totals 3,979 and 3,983), open-ended counts ("at least 200", "more than 100", an
-- "at least 80" over two years), ranges over long periods, and ten exchanges that moved
-- detainees between the parties (besides exchanges of remains, of maps and with another
-- party, which the chart must leave out). Markup is planted in a source title and a quote.
-- Kept apart from the fixtures the rules are tuned on: it tests the report's layout only.
local report_fixture = {}

report_fixture.SCRIPT = "<script>document.title='pwned'</script>"

function report_fixture.real_shaped()
   local d = { parley = 1, parties = {}, sources = {}, claims = {}, exchanges = {} }
   local parties = {
      { "ARM", "Armenia", "state" }, { "AZE", "Azerbaijan", "state" },
      { "ICRC", "International Committee of the Red Cross", "organisation" },
      { "HCA", "Yerevan-based human rights activists (Helsinki Citizens' Assembly Vanadzor)", "group" },
      { "OMB", "Human Rights Defender of the Republic of Armenia", "organisation" },
      { "HRW", "Human Rights Watch", "organisation" },
      { "EP", "European Parliament", "organisation" },
      { "CPJ", "Committee on Missing Persons of Armenia", "organisation" },
      { "RUS", "Russia", "state" }, { "GEO", "Georgia", "state" },
   }
   for _, p in ipairs(parties) do d.parties[#d.parties + 1] = { id = p[1], name = p[2], kind = p[3] } end
   for _, p in ipairs(parties) do
      d.sources[#d.sources + 1] = { id = "src-" .. p[1]:lower(), title = "Statements of " .. p[2], party = p[1],
         reliability = "B", credibility = 2 }
   end
   d.sources[1].title = d.sources[1].title .. " " .. report_fixture.SCRIPT
   local function claim(id, claimant, as_of, count, scope, extra)
      local c = { id = id, claimant = claimant, source = "src-" .. claimant:lower(), as_of = as_of,
         subject = "detainees", holder = "AZE", about = "ARM", count = count, scope = scope }
      for k, v in pairs(extra or {}) do c[k] = v end
      d.claims[#d.claims + 1] = c
   end
   local all = { "soldiers", "civilians", "missing" }
   claim("arm-2020", "ARM", "2020-12-15", { exact = 200 }, nil,
      { text = "Armenia says 200 are held. " .. report_fixture.SCRIPT })
   claim("aze-2021", "AZE", "2021-01-10", { exact = 62 })
   claim("aze-80", "AZE", "2021-01/2022-12", { low = 80 })                  -- at least 80 over two years
   claim("hca-200", "HCA", "2021-03", { low = 200 })                         -- at least 200
   claim("hrw-100", "HRW", "2021-05-20", { low = 101 })                      -- more than 100
   claim("icrc-2021", "ICRC", "2021-06", { low = 38, high = 120, best = 60 })
   claim("ep-range", "EP", "2021-01/2021-12", { low = 100, high = 300 })     -- a range over a year
   claim("omb-total", "OMB", "2023-09-15", { exact = 4354 }, all)            -- a total ...
   claim("omb-missing", "OMB", "2023-09-15", { exact = 3503 }, { "missing" }) -- ... and its parts
   claim("omb-soldiers", "OMB", "2023-09-15", { exact = 841 }, { "soldiers" })
   claim("omb-civilians", "OMB", "2023-09-15", { exact = 9 }, { "civilians" })
   claim("cpj-3979", "CPJ", "2024-02-01", { exact = 3979 })
   claim("cpj-3983", "CPJ", "2024-02-20", { exact = 3983 })                  -- close to the one before
   claim("arm-2025", "ARM", "2025-03", { best = 23, approx = true })
   claim("icrc-2025", "ICRC", "2025-06-01/2025-12-31", { low = 19, high = 25 })
   claim("aze-2026", "AZE", "2026-01-20", { exact = 19 })
   local dates = { "2020-12-14", "2021-01-28", "2021-06-12", "2021-07-03", "2021-12-19", "2022-10-04",
      "2023-05-11", "2023-12-13", "2024-06-30", "2026-01-15" }
   for i, date in ipairs(dates) do
      d.exchanges[#d.exchanges + 1] = { id = "x-" .. date, date = date,
         place = i % 2 == 0 and "Azerbaijani-Georgian border" or "Armenian-Azerbaijani border, near Ijevan",
         mediators = { i % 2 == 0 and "GEO" or "RUS" },
         transfers = { { from = "AZE", to = "ARM", detainees = { count = i + 1 } },
            { from = "ARM", to = "AZE", detainees = { count = 2 } } } }
   end
   -- exchanges the chart of detainees must leave out: remains, maps, another pair of parties
   d.exchanges[#d.exchanges + 1] = { id = "x-remains", date = "2022-03-01",
      transfers = { { from = "AZE", to = "ARM", remains = { count = 4 } } } }
   d.exchanges[#d.exchanges + 1] = { id = "x-maps", date = "2021-06-13",
      transfers = { { from = "ARM", to = "AZE", mine_maps = { { region = "Agdam", mines = 97000 } } } } }
   d.exchanges[#d.exchanges + 1] = { id = "x-other", date = "2022-08-01",
      transfers = { { from = "AZE", to = "RUS", detainees = { count = 1 } } } }
   return d
end

return report_fixture
