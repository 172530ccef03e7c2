-- SPDX-License-Identifier: MIT
-- parley.terms: the vocabulary of subjects and scope tags that comparisons go through.
local terms = require "parley.terms"

describe("parley.terms", function()
   local v = terms.vocabulary()

   it("knows the field's subjects, with their kinds, and resolves synonyms to one canonical subject", function()
      assert.same({ "detainees", "stock" }, { v:subject("detainees") })
      assert.same({ "missing", "stock" }, { v:subject("missing_persons") })
      assert.same({ "remains_returned", "event" }, { v:subject("remains_returned") })
      assert.is_nil(v:subject("Detainees"))
   end)

   it("reads a subject no vocabulary names as an event by its suffix, else as a stock", function()
      for _, s in ipairs({ "hostages_released", "remains_exchanged", "persons_transferred", "soldiers_captured",
         "civilians_killed", "maps_handed_over", "bodies_returned" }) do
         assert.equal("event", terms.kind_by_name(s), s)
      end
      assert.equal("stock", terms.kind_by_name("released"))
      assert.equal("stock", terms.kind_by_name("unexploded_ordnance"))
      assert.same({ "unexploded_ordnance", "stock" }, { v:canonical_subject("unexploded_ordnance") })
   end)

   it("makes a scope list a sorted set of canonical tags, so military meets soldiers", function()
      assert.same({ "civilians", "soldiers" }, v:canonical_scope({ "military", "civilians", "soldiers" }))
      assert.same({ "soldiers" }, v:canonical_scope({ "combatants" }))
      assert.same({ "volunteer_units" }, v:canonical_scope({ "volunteer_units" }))
      assert.is_nil(v:canonical_scope(nil))
   end)

   it("suggests what a misspelt term most likely means", function()
      assert.equal("detainees", v:suggest_subject("Detainees"))
      assert.equal("detainees", v:suggest_subject("detainee"))
      assert.equal("prisoners_of_war", v:suggest_subject("prisoners-of-war"))
      assert.equal("civilians", v:suggest_scope("civilian"))
      assert.equal("soldiers", v:suggest_scope("Military"))
      assert.equal("minors", v:suggest_scope("child"))
      assert.is_nil(v:suggest_subject("zzzz"))
   end)

   it("takes a dataset's own vocabulary over the default: new subjects, kinds and synonyms", function()
      local own = terms.vocabulary({
         subjects = { missing = { kind = "stock", synonyms = { "unaccounted" } }, hostages_freed = { kind = "event" },
            detainees_released = { kind = "stock" } },
         scopes = { conscripts = { synonyms = { "draftees" } } },
      })
      assert.same({ "missing", "stock" }, { own:subject("unaccounted") })
      assert.same({ "hostages_freed", "event" }, { own:subject("hostages_freed") })
      assert.same({ "detainees_released", "stock" }, { own:subject("detainees_released") })
      assert.equal("conscripts", own:scope("draftees"))
      assert.equal("soldiers", own:scope("military"))
   end)

   it("gives a record's canonical forms: subject, kind and scope set (nil when it gives no scope)", function()
      assert.same({ subject = "prisoners_of_war", kind = "stock", scope = { "soldiers", "women" } },
         v:canonical("pows", { "women", "military", "soldiers" }))
      assert.same({ subject = "remains_returned", kind = "event" }, v:canonical("bodies_returned", nil))
      assert.same({ subject = "Detainees", kind = "stock", scope = {} }, v:canonical("Detainees", {}))
   end)

   it("says when an addition would change what a term means, and adds what does not", function()
      local own = terms.vocabulary()
      assert.is_nil(own:clash("subjects", "detainees", { kind = "stock", synonyms = { "Detainees" } }))
      assert.matches("already a stock, it cannot become an event", own:clash("subjects", "detainees",
         { kind = "event" }))
      assert.matches("'pows' is already a synonym of the subject 'prisoners_of_war'",
         own:clash("subjects", "detainees", { synonyms = { "pows" } }))
      assert.matches("'civilians' is a scope tag of its own", own:clash("scopes", "soldiers",
         { synonyms = { "civilians" } }))
      assert.matches("'military' is already a synonym of the scope tag 'soldiers'", own:clash("scopes", "military", {}))
      own:add({ subjects = { detainees = { synonyms = { "Detainees" } }, detainees_released = {} } })
      assert.same({ "detainees", "stock" }, { own:subject("Detainees") })
      assert.same({ "detainees", "stock" }, { own:subject("captives") }) -- the default's synonyms stay
      assert.same({ "detainees_released", "event" }, { own:subject("detainees_released") }) -- and its kinds
   end)
end)
