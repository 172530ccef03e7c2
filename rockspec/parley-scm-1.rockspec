-- SPDX-License-Identifier: MIT
rockspec_format = "3.0"
package = "parley"
version = "scm-1"
-- The upstream repository. `make rock` packs this rockspec offline from a clean clone instead:
-- it writes build/rock/parley-scm-1.rockspec with source.url pointing (file://) at a tarball of
-- the committed tree made by git archive, then `luarocks pack` makes parley-scm-1.src.rock.
source = {
   url = "git+https://r-seed-f9de8624.example/parley.git",
}
description = {
   summary = "A store of what the parties to a conflict exchanged and claimed, with reconciliation rules",
   detailed = [[
parley keeps an SQLite store of the exchanges between the parties to a conflict (detainees,
prisoners of war, remains, mine maps) and of the competing claims each party makes, and runs
reconciliation rules, written in Lua and configured in YAML, that line the claims up and
explain the gaps. It builds against the C libraries SQLite, libyaml, utf8proc, libcsv, libzip,
expat and OpenSSL's libcrypto; on Debian or Ubuntu: apt-get install libsqlite3-dev libyaml-dev
libutf8proc-dev libcsv-dev libzip-dev libexpat1-dev libssl-dev.]],
   license = "MIT",
   homepage = "https://r-seed-f9de8624.example/parley",
   issues_url = "https://r-seed-f9de8624.example/parley/issues",
   maintainer = "parley maintainers <maintainers@users.noreply.r-seed-f9de8624.example>",
   labels = { "sqlite", "yaml", "reconciliation", "humanitarian", "conflict", "record-linkage" },
}
-- A C module built against the Lua 5.4 ABI.
dependencies = {
   "lua >= 5.4, < 5.5",
}
-- The C libraries parley.core links, each checked by its header and its library. On Debian or
-- Ubuntu: apt-get install libsqlite3-dev libyaml-dev libutf8proc-dev libcsv-dev libzip-dev
-- libexpat1-dev libssl-dev (`make check-libs` names the package of each one missing). iconv is
-- libc's.
external_dependencies = {
   SQLITE = { header = "sqlite3.h", library = "sqlite3" },
   YAML = { header = "yaml.h", library = "yaml" },
   UTF8PROC = { header = "utf8proc.h", library = "utf8proc" },
   CSV = { header = "csv.h", library = "csv" },
   ZIP = { header = "zip.h", library = "zip" },
   EXPAT = { header = "expat.h", library = "expat" },
   OPENSSL = { header = "openssl/sha.h", library = "crypto" },
}
build = {
   type = "builtin",
   modules = {
      ["parley.core"] = {
         sources = {
            "src/check_fast.c",
            "src/digest.c",
            "src/fs.c",
            "src/names_api.c",
            "src/names_given.c",
            "src/names_key.c",
            "src/names_link.c",
            "src/names_match.c",
            "src/names_memo.c",
            "src/names_parse.c",
            "src/names_sim.c",
            "src/parley.c",
            "src/record_row.c",
            "src/sandbox_charge.c",
            "src/sandbox_env.c",
            "src/sandbox_finding.c",
            "src/sandbox_info.c",
            "src/sandbox_json.c",
            "src/sandbox_limits.c",
            "src/sandbox_match.c",
            "src/sandbox_options.c",
            "src/sandbox_run.c",
            "src/sandbox_sql.c",
            "src/sandbox_watchdog.c",
            "src/sha256.c",
            "src/sort.c",
            "src/store.c",
            "src/table_csv.c",
            "src/table_xlsx.c",
            "src/text_script.c",
            "src/yaml_dump.c",
            "src/yaml_load.c",
            "src/yaml_schema.c",
         },
         incdirs = { "src", "$(SQLITE_INCDIR)", "$(YAML_INCDIR)", "$(UTF8PROC_INCDIR)", "$(CSV_INCDIR)", "$(ZIP_INCDIR)",
            "$(EXPAT_INCDIR)", "$(OPENSSL_INCDIR)" },
         libdirs = { "$(SQLITE_LIBDIR)", "$(YAML_LIBDIR)", "$(UTF8PROC_LIBDIR)", "$(CSV_LIBDIR)", "$(ZIP_LIBDIR)",
            "$(EXPAT_LIBDIR)", "$(OPENSSL_LIBDIR)" },
         libraries = { "sqlite3", "yaml", "utf8proc", "csv", "zip", "expat", "crypto", "pthread" },
         defines = { 'PARLEY_VERSION="scm"' },
      },
      ["parley"] = "lua/parley/init.lua",
      ["parley.check"] = "lua/parley/check.lua",
      ["parley.cli"] = "lua/parley/cli.lua",
      ["parley.config"] = "lua/parley/config.lua",
      ["parley.dataset"] = "lua/parley/dataset.lua",
      ["parley.dates"] = "lua/parley/dates.lua",
      ["parley.mse"] = "lua/parley/mse.lua",
      ["parley.engine"] = "lua/parley/engine.lua",
      ["parley.export"] = "lua/parley/export.lua",
      ["parley.files"] = "lua/parley/files.lua",
      ["parley.history"] = "lua/parley/history.lua",
      ["parley.json"] = "lua/parley/json.lua",
      ["parley.names"] = "lua/parley/names.lua",
      ["parley.record_schema"] = "lua/parley/record_schema.lua",
      ["parley.records"] = "lua/parley/records.lua",
      ["parley.people"] = "lua/parley/people.lua",
      ["parley.cli_people"] = "lua/parley/cli_people.lua",
      ["parley.share"] = "lua/parley/share.lua",
      ["parley.report"] = "lua/parley/report/init.lua",
      ["parley.report.chart"] = "lua/parley/report/chart.lua",
      ["parley.report.common"] = "lua/parley/report/common.lua",
      ["parley.report.format.csv"] = "lua/parley/report/format/csv.lua",
      ["parley.report.format.html"] = "lua/parley/report/format/html.lua",
      ["parley.report.format.json"] = "lua/parley/report/format/json.lua",
      ["parley.report.format.markdown"] = "lua/parley/report/format/markdown.lua",
      ["parley.report.format.sarif"] = "lua/parley/report/format/sarif.lua",
      ["parley.report.format.text"] = "lua/parley/report/format/text.lua",
      ["parley.report.model"] = "lua/parley/report/model.lua",
      ["parley.report.people"] = "lua/parley/report/people.lua",
      ["parley.rules"] = "lua/parley/rules/init.lua",
      ["parley.rules.breakdown_sum"] = "lua/parley/rules/breakdown_sum.lua",
      ["parley.rules.corroboration"] = "lua/parley/rules/corroboration.lua",
      ["parley.rules.count_gap"] = "lua/parley/rules/count_gap.lua",
      ["parley.rules.exchange_accounts"] = "lua/parley/rules/exchange_accounts.lua",
      ["parley.rules.list_overlap"] = "lua/parley/rules/list_overlap.lua",
      ["parley.rules.map_completeness"] = "lua/parley/rules/map_completeness.lua",
      ["parley.rules.opposing_assertions"] = "lua/parley/rules/opposing_assertions.lua",
      ["parley.rules.population_estimate"] = "lua/parley/rules/population_estimate.lua",
      ["parley.rules.release_accounting"] = "lua/parley/rules/release_accounting.lua",
      ["parley.rules.scope_mismatch"] = "lua/parley/rules/scope_mismatch.lua",
      ["parley.rules.self_contradiction"] = "lua/parley/rules/self_contradiction.lua",
      ["parley.rules.stale_claim"] = "lua/parley/rules/stale_claim.lua",
      ["parley.rules.unaccounted_persons"] = "lua/parley/rules/unaccounted_persons.lua",
      ["parley.rulekit"] = "lua/parley/rulekit.lua",
      ["parley.run"] = "lua/parley/run.lua",
      ["parley.ruletest"] = "lua/parley/ruletest.lua",
      ["parley.schema"] = "lua/parley/schema.lua",
      ["parley.store"] = "lua/parley/store.lua",
      ["parley.tables"] = "lua/parley/tables.lua",
      ["parley.terms"] = "lua/parley/terms.lua",
      ["parley.text"] = "lua/parley/text.lua",
      ["parley.verify"] = "lua/parley/verify.lua",
      ["parley.vocab"] = "lua/parley/vocab.lua",
      ["parley.yaml"] = "lua/parley/yaml.lua",
   },
   -- The man page and the shell completions are made by `make` (make man, make completion) and
   -- shipped in the packed rock; LuaRocks installs them under the rock's conf directory
   -- (luarocks show --rock-dir parley).
   install = {
      bin = { parley = "bin/parley" },
      conf = {
         ["man/man1/parley.1"] = "build/parley.1",
         ["bash-completion/completions/parley"] = "build/parley.bash",
         ["zsh/site-functions/_parley"] = "build/_parley",
      },
   },
}
-- `luarocks test` in a source tree: builds what is out of date (make), then runs the quick
-- specs (busted's "quick" task in .busted) and the rule cases against the built module, in well
-- under a minute. The specs start lua5.4 and bin/parley themselves, so they run in the
-- environment tools/env.sh makes, which LuaRocks' busted test type cannot give them.
-- `make test` is the full suite (sanitizers, fuzzing, lint).
test_dependencies = {
   "busted >= 2.0",
}
test = {
   type = "command",
   command = "sh tools/run-tests.sh quick",
}
