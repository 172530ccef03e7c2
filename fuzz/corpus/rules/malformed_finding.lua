-- A finding with a bad severity: the rule gets a clear error; the earlier finding stays.
return {
   id = "hostile.malformed_finding", version = "1",
   run = function(ctx)
      ctx:finding{ message = "a good one" }
      ctx:finding{ severity = "urgent", message = "a bad one" }
   end,
}
