-- The reconciliation engine: reads a config, imports its data, runs each rule in its own
-- sandboxed Lua state (parley.core.run_rules, in C) on parallel threads, and stores the run
-- and its findings (append-only) in the store. See docs/rules.md.

local core = require "parley.core"
local check = require "parley.check"
local config = require "parley.config"
local json = require "parley.json"
local report = require "parley.report"
local run_class = require "parley.run"
local store = require "parley.store"
local vocab = require "parley.vocab"

local engine = {}


local function read_file(path)
   local f, err = io.open(path, "rb")
   if not f then return nil, err end
   local s = f:read("a")
   f:close()
   return s
end

-- The options of core.rule_info and core.run_rules besides the rules themselves: the text of
-- the modules a rule may require, and the vocabulary its findings are checked against. The
-- sandbox has no list of its own: these are parley.vocab's.
function engine.sandbox_options()
   local modules = {}
   for _, name in ipairs(vocab.RULE_MODULES) do
      local path = package.searchpath(name, package.path)
      if path then modules[name] = assert(read_file(path)) end
   end
   return { modules = modules, severities = vocab.SEVERITIES, evidence_kinds = vocab.EVIDENCE_KINDS }
end

-- The rule's source and its chunk name, for a config entry.
local function rule_source(entry)
   local path = entry.script or config.builtin_path(entry.use)
   local src, err = read_file(path)
   if not src then return nil, nil, string.format("cannot read rule %s: %s", path, err) end
   local chunkname = entry.use and ("=parley.rules." .. entry.use) or ("@" .. entry.script)
   return src, chunkname
end

-- Reads each enabled rule's manifest ({id, version, description, params}) in a sandbox and
-- checks its parameters. Returns the rules to run, and problems (bad configuration).
local function prepare_rules(cfg, sandbox)
   local ctx = check.new_context()
   local rules, seen = {}, {}
   for _, entry in ipairs(cfg.rules) do
      if entry.enabled then
         local rule = { entry = entry, severity = entry.severity }
         local where = { doc = cfg.doc, node = cfg.doc.data.rules, key = entry.index,
            path = string.format("rules[%d]", entry.index) }
         local src, chunkname, err = rule_source(entry)
         if src then
            local info, why = core.rule_info(src, chunkname, cfg.limits, sandbox)
            if info then
               rule.source, rule.chunkname = src, chunkname
               rule.id = entry.id or info.id
               rule.version = info.version
               rule.description = info.description
               local declared = json.decode(info.params_json)
               if declared == json.null then declared = {} end
               rule.declared = declared
               local with_where = { doc = cfg.doc, node = entry.node, key = "with",
                  path = string.format("rules[%d].with", entry.index) }
               rule.params = config.check_params(ctx, declared, entry.with, with_where)
               if info.severity and not vocab.SEVERITY_RANK[info.severity] then
                  ctx:problem(where, string.format("rule %s declares severity '%s'; it must be one of %s",
                     rule.id, info.severity, table.concat(vocab.SEVERITIES, ", ")))
               end
               rule.severity = entry.severity or info.severity or "medium"
            else
               ctx:problem(where, string.format("rule %s does not load: %s", entry.use or entry.script, why))
            end
         else
            ctx:problem(where, err)
         end
         if rule.id then
            if seen[rule.id] then
               ctx:problem(where, string.format("rule id '%s' is used twice (also by rules[%d]); give one an id:",
                  rule.id, seen[rule.id]))
            end
            seen[rule.id] = entry.index
         end
         rules[#rules + 1] = rule
      end
   end
   return rules, ctx.problems
end

local function finding_order(a, b)
   local ra, rb = vocab.SEVERITY_RANK[a.severity], vocab.SEVERITY_RANK[b.severity]
   if ra ~= rb then return ra > rb end
   if a.rule ~= b.rule then return a.rule < b.rule end
   if a.fingerprint ~= b.fingerprint then return a.fingerprint < b.fingerprint end
   return a.message < b.message
end

local function utc_now()
   return os.date("!%Y-%m-%dT%H:%M:%SZ")
end

local function store_run(db, run)
   local ok, err = pcall(db.transaction, db, function()
      assert(db:exec("INSERT INTO runs (config, config_sha256, started_at, finished_at, status, store) " ..
         "VALUES (?, ?, ?, ?, ?, ?)", run.config_name, run.config_sha256, run.started_at, run.finished_at,
         run.status, run.store))
      run.id = db:last_insert_rowid()
      for _, o in ipairs(run.outcomes) do
         assert(db:exec("INSERT INTO rule_outcomes (run, rule, version, outcome, error, findings, truncated, " ..
            "description, limit_hit, log, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", run.id, o.rule, o.version,
            o.outcome, o.error, o.total or 0, o.truncated and 1 or 0, o.description, o.limit,
            json.encode(o.log or {}), o.seconds))
      end
      for _, f in ipairs(run.findings) do
         assert(db:exec("INSERT INTO findings (run, rule, rule_version, severity, message, fingerprint, evidence, " ..
            "measures, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", run.id, f.rule, f.rule_version, f.severity,
            f.message, f.fingerprint, f.evidence_json, f.measures_json, f.details_json))
      end
   end)
   if not ok then return nil, err end
   return true
end

-- parley.reconcile(config, opts): opts.jobs (threads; default: the number of cores),
-- opts.base (for a table config). Returns the run, or nil, a message, and a kind:
-- "input" (bad configuration or data: exit 3) or "failed" (exit 2).
function engine.reconcile(source, opts)
   opts = opts or {}
   local cfg, err, problems = config.load(source, opts)
   if not cfg then return nil, err, "input", problems end
   local sandbox = engine.sandbox_options()
   local rules, rule_problems = prepare_rules(cfg, sandbox)
   if #rule_problems > 0 then return nil, check.format_problems(rule_problems), "input", rule_problems end

   -- rules read the store through their own connections, so an in-memory store is a
   -- temporary file that lasts for the run
   local store_path, temporary = cfg.store, nil
   if store_path == ":memory:" then
      store_path = os.tmpname()
      temporary = store_path
      os.remove(store_path)
   end
   local db, open_err = store.open(store_path)
   if not db then return nil, open_err, "input" end
   local keep_temporary = false
   local function finish(...)
      db:close()
      if temporary and not keep_temporary then
         for _, suffix in ipairs({ "", "-wal", "-shm" }) do os.remove(temporary .. suffix) end
      end
      return ...
   end
   if #cfg.data > 0 then
      local summary, import_err = db:import(cfg.data)
      if not summary then return finish(nil, import_err, "input") end
   end

   local run = run_class.new({
      config_name = cfg.name, config_sha256 = core.sha256(cfg.text or cfg.name), started_at = utc_now(),
      store = cfg.store, findings = {}, outcomes = {}, rules = {},
   })

   local jobs, runnable = {}, {}
   for _, r in ipairs(rules) do
      if r.source then
         runnable[#runnable + 1] = r
         jobs[#jobs + 1] = {
            rule_id = r.id, source = r.source, chunkname = r.chunkname, store = store_path,
            params_json = json.encode(r.params or {}), severity = r.severity, limits = cfg.limits,
         }
      end
   end
   local threads = opts.jobs or core.cpu_count()
   local results = #jobs > 0 and core.run_rules(jobs, { threads = threads,
      modules = sandbox.modules, severities = sandbox.severities, evidence_kinds = sandbox.evidence_kinds }) or {}
   for i, res in ipairs(results) do
      local r = runnable[i]
      local outcome = {
         rule = r.id, version = r.version, description = r.description, total = res.total or 0,
         truncated = res.truncated or false, seconds = res.seconds, limit = res.limit, log = res.log or {},
      }
      if res.outcome ~= "ok" then
         outcome.outcome, outcome.error = "error", res.error
      else
         outcome.outcome = (res.total or 0) > 0 and "findings" or "pass"
      end
      -- {severity, message, evidence_json, measures_json, details_json, fingerprint}: each
      -- text decoded once for the run in memory, and stored as it is
      for _, f in ipairs(res.findings or {}) do
         f.rule, f.rule_version = r.id, r.version
         f.evidence = json.decode(f.evidence_json)
         f.measures = json.decode(f.measures_json)
         f.details = f.details_json and json.decode(f.details_json) or nil
         run.findings[#run.findings + 1] = f
      end
      run.outcomes[#run.outcomes + 1] = outcome
      run.rules[r.id] = { version = r.version, description = r.description }
   end
   table.sort(run.findings, finding_order)
   table.sort(run.outcomes, function(a, b) return a.rule < b.rule end)
   run.finished_at = utc_now()
   run.status = (run:counts().outcomes.error or 0) > 0 and "failed" or "ok"
   run.temporary = temporary
   keep_temporary = temporary ~= nil
   local ok, store_err = store_run(db, run)
   if not ok then return finish(nil, "cannot store the run: " .. tostring(store_err), "failed") end
   for _, rep in ipairs(cfg.report) do
      local wrote, write_err = report.write(run, rep.format, rep.path, { db = db })
      if not wrote then return finish(nil, write_err, "failed") end
   end
   return finish(run)
end

return engine
