-- SPDX-License-Identifier: MIT
-- Datasets the specs import. Each call returns a fresh table.
local fixtures = {}

function fixtures.small()
   return {
      parley = 1,
      parties = {
         { id = "ARM", name = "Armenia", kind = "state" },
         { id = "AZE", name = "Azerbaijan", kind = "state" },
         { id = "GEO", name = "Georgia", kind = "state" },
      },
      sources = {
         { id = "s-article", title = "Swap of detainees and mine maps", party = "GEO", speaker = "A. Writer",
            published = "2021-06", url = "https://example.org/a", reliability = "B", credibility = 2 },
         { id = "s-mfa", title = "Ministry statement", party = "AZE", published = "2021-06-12" },
      },
      persons = {
         { id = "p-1", names = { "Հովհաննես Պետրոսյան", { name = "Ованес Петросян", written_by = "AZE" } },
            born = 1999, category = "soldier", sex = "male" },
      },
      claims = {
         { id = "arm-200", claimant = "ARM", source = "s-article", as_of = "2021-06", subject = "detainees",
            holder = "AZE", about = "ARM", count = { best = 200, approx = true }, scope = { "soldiers", "civilians" },
            text = "about 200" },
         { id = "aze-60", claimant = "AZE", source = "s-mfa", as_of = "2021-06-12", subject = "detainees",
            holder = "AZE", about = "ARM", count = { low = 38, high = 120, best = 60 }, scope = { "soldiers" } },
         { id = "arm-maps", claimant = "ARM", source = "s-article", as_of = "2020-11/2021-06-11",
            subject = "mine_maps_exist", about = "AZE", value = false },
      },
      lists = {
         { id = "arm-list-1", claimant = "ARM", holder = "AZE", subject = "detainees", as_of = "2021-06",
            source = "s-article", persons = {
               { person = "p-1", name = "Հովհաննես Պետրոսյան", born = 1999, category = "soldier" },
               { name = "Արամ Սարգսյան", born = "1990-02-03", category = "civilian" },
            } },
      },
      exchanges = {
         { id = "x-2021-06-12", date = "2021-06-12", place = "border", mediators = { "GEO" },
            sources = { "s-mfa", "s-article" }, transfers = {
               { from = "AZE", to = "ARM", detainees = { count = 15,
                  persons = { { person = "p-1", name = "Ovanes Petrosyan" } } } },
               { from = "ARM", to = "AZE", mine_maps = { { region = "Agdam", mines = 97000,
                  types = { "anti-tank", "anti-personnel" }, reference_points = { "A", "B" },
                  date_laid = "1993", anti_handling = false } } },
            } },
      },
   }
end

-- Lists of three parties naming the same detainees across scripts (people_spec and
-- people_store_spec add to it), and one exchange.
function fixtures.people()
   return {
      parley = 1,
      parties = { { id = "ARM", name = "Armenia" }, { id = "AZE", name = "Azerbaijan" },
         { id = "ICRC", name = "ICRC" } },
      lists = {
         { id = "arm-2021-05", claimant = "ARM", holder = "AZE", subject = "detainees", as_of = "2021-05", persons = {
            { name = "Davit Sargsyan", born = 1990 }, { name = "Karen Mkrtchyan", born = 1988 },
            { name = "Levon Ter-Petrosyan" }, { name = "Armen Hakobyan", born = 1979 } } },
         { id = "aze-2021-05", claimant = "AZE", holder = "AZE", subject = "detainees", as_of = "2021-05-20",
            persons = { { name = "Давид Саргсян", born = 1990 }, { name = "Garik Mkrtchyan", born = 1988 },
               { name = "Levon Petrosyan" }, { name = "Армен Акопян", born = 1979 } } },
         { id = "icrc-2021-07", claimant = "ICRC", holder = "AZE", subject = "detainees", as_of = "2021-07",
            persons = { { name = "Դավիթ Սարգսյան" } } },
      },
      exchanges = {
         { id = "2021-06-12-agdam", date = "2021-06-12", transfers = {
            { from = "AZE", to = "ARM", detainees = { count = 15, persons = { { name = "Davit Sargsyan" } } } } } },
      },
   }
end

return fixtures
