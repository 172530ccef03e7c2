-- SPDX-License-Identifier: MIT
-- Generates lists of names the way the brief says they reach a record: an Armenian name is
-- written in Armenian script and then romanised by one of the real systems (BGN/PCGN, ISO 9985,
-- ALA-LC, Western Armenian), or put into Russian the way Soviet documents did and from there
-- into Latin (BGN/PCGN, the ICAO passport table, ISO 9, French, German); an Azerbaijani name is
-- written in the 1991 Latin alphabet and then in passport ASCII, in naive ASCII, or in Russian
-- and from there into Latin. Order (surname first), patronymics, capitals and typos are added
-- at random. Nothing here looks at parley's matcher: the tables are the romanisation systems'.
--
-- gen.persons(n, seed) -> persons; gen.variant(person) -> string
-- gen.pairs(n, seed) -> {{a, b, same}...}: positives, hard negatives and easy negatives.
local gen = {}

local rng_state

local function rnd(n)
   return rng_state(n)
end

local function chance(p)
   return rng_state() < p
end

local function pick(t)
   return t[rng_state(#t)]
end

local function chars(s)
   local t = {}
   for _, c in utf8.codes(s) do
      t[#t + 1] = utf8.char(c)
   end
   return t
end

------------------------------------------------------------------------ name parts

-- Armenian names in Armenian script.
local arm_given_m = {
   "Հովհաննես", "Հակոբ", "Գևորգ", "Գրիգոր", "Արամ", "Արմեն", "Տիգրան", "Վարդան", "Սարգիս",
   "Խաչատուր", "Մկրտիչ", "Պետրոս", "Հարություն", "Կարեն", "Դավիթ", "Լևոն", "Աշոտ", "Արթուր",
   "Նարեկ", "Հայկ", "Ռուբեն", "Սամվել", "Վահան", "Մհեր", "Գագիկ", "Արտակ", "Էդգար", "Անդրանիկ",
   "Գարեգին", "Հրանտ", "Արսեն", "Հովսեփ", "Մանվել", "Կարապետ", "Ավետիս", "Ղազար", "Երվանդ",
   "Արշակ", "Վազգեն", "Համլետ", "Ստեփան", "Սուրեն", "Արման", "Վահագն", "Սերոբ", "Մովսես",
}
local arm_given_f = {
   "Անահիտ", "Մարինե", "Լուսինե", "Անի", "Նարինե", "Գայանե", "Հասմիկ", "Արմինե", "Սիրանուշ",
   "Աննա", "Լիլիթ", "Տաթևիկ", "Սոնա", "Մարիամ", "Հռիփսիմե", "Զարուհի",
}
local arm_surnames = {
   "Հովհաննիսյան", "Պետրոսյան", "Խաչատրյան", "Խաչատուրյան", "Հովսեփյան", "Հարությունյան",
   "Հակոբյան", "Գևորգյան", "Գրիգորյան", "Վարդանյան", "Սարգսյան", "Մկրտչյան", "Ղազարյան",
   "Կարապետյան", "Ավետիսյան", "Մարտիրոսյան", "Աբրահամյան", "Բաբայան", "Դավթյան", "Գասպարյան",
   "Եղիազարյան", "Մանուկյան", "Առաքելյան", "Ալեքսանյան", "Ասատրյան", "Բաղդասարյան", "Ավագյան",
   "Մելքոնյան", "Սահակյան", "Սիմոնյան", "Ստեփանյան", "Թորոսյան", "Մովսիսյան", "Զաքարյան",
   "Համբարձումյան", "Ներսիսյան", "Մինասյան", "Օհանյան", "Ղուկասյան", "Պողոսյան", "Հայրապետյան",
   "Աղաջանյան", "Շահինյան", "Մուրադյան", "Նազարյան", "Ադամյան", "Ավանեսյան", "Եսայան",
   "Կիրակոսյան", "Խաչիկյան", "Վասիլյան", "Սողոմոնյան", "Թադևոսյան", "Բարսեղյան", "Հարոյան",
   "Չոբանյան", "Ջհանգիրյան", "Ծատուրյան", "Մարգարյան", "Գալստյան",
}
-- Azerbaijani names in the Latin alphabet of 1991; surnames masculine.
local az_given_m = {
   "Elvin", "Rəşad", "Elnur", "Orxan", "Tural", "Vüsal", "Rauf", "Əli", "Həsən", "Hüseyn",
   "Məmməd", "Cavid", "Kənan", "Fərid", "Nicat", "Ramil", "Emin", "Səməd", "Anar", "Elçin",
   "Zaur", "Rövşən", "İlham", "Vüqar", "Şahin", "Qurban", "Xəyal", "Cəlal", "Mübariz", "Elşən",
   "İsmayıl", "Ceyhun", "Nurlan", "Natiq", "Ruslan", "Rəsul", "Fuad", "Namiq", "Azər", "Ramiz",
   "Samir", "Tofiq", "Cəmil", "Yusif", "Ağa", "Arif", "Elmar", "Qəhrəman",
}
local az_given_f = {
   "Leyla", "Aynur", "Günel", "Səbinə", "Nərmin", "Aysel", "Gülnar", "Ülviyyə", "Könül",
   "Sevinc", "Xədicə", "Nigar", "Aygün", "Şəbnəm", "Fidan", "Zəhra",
}
local az_surnames = {
   "Məmmədov", "Əliyev", "Həsənov", "Hüseynov", "Quliyev", "Cəfərov", "Qasımov", "İsmayılov",
   "Rzayev", "Abbasov", "Bağırov", "Süleymanov", "Nəsirov", "Kərimov", "Əhmədov", "Rəhimov",
   "Mustafayev", "Babayev", "Sadıqov", "Məhərrəmov", "Vəliyev", "Hacıyev", "Orucov", "Nağıyev",
   "İbrahimov", "Zeynalov", "Şükürov", "Musayev", "Əsgərov", "Qurbanov", "Xəlilov", "Yusifov",
   "Allahverdiyev", "Mahmudov", "Əlizadə", "Həsənli", "Mirzəyev", "Novruzov", "Tağıyev",
   "Səfərov", "Salmanov", "Əkbərov", "Sultanov", "Cəlilov", "Hümbətov", "Qədirov", "Paşayev",
   "Şirinov", "Xudiyev", "Bayramov", "Eyvazov", "Hüseynli", "Məmmədli", "Qafarov", "Nəbiyev",
}

-- Different names that look alike: the hard negatives of the brief and more of the same kind.
local near_surnames = {
   {"Խաչատրյան", "Խաչատուրյան"}, {"Հովհաննիսյան", "Հովսեփյան"}, {"Պետրոսյան", "Պողոսյան"},
   {"Ավետիսյան", "Ավանեսյան"}, {"Գրիգորյան", "Գևորգյան"}, {"Սահակյան", "Սարգսյան"},
   {"Մարտիրոսյան", "Մարգարյան"}, {"Ղազարյան", "Նազարյան"}, {"Հակոբյան", "Հարոյան"},
   {"Ծատուրյան", "Խաչատուրյան"}, {"Մինասյան", "Մովսիսյան"}, {"Սիմոնյան", "Սողոմոնյան"},
   {"Məmmədov", "Mahmudov"}, {"Əliyev", "Əlizadə"}, {"Hüseynov", "Həsənov"},
   {"Həsənov", "Həsənli"}, {"Hüseynov", "Hüseynli"}, {"Məmmədov", "Məmmədli"},
   {"Kərimov", "Rəhimov"}, {"Quliyev", "Vəliyev"}, {"Qasımov", "Qafarov"},
   {"Cəfərov", "Cəlilov"}, {"Nəsirov", "Nəbiyev"}, {"Babayev", "Bayramov"},
}
local near_given = {
   {"Արմեն", "Արման"}, {"Արամ", "Արման"}, {"Հովհաննես", "Հովսեփ"}, {"Արթուր", "Արտակ"},
   {"Կարեն", "Կարապետ"}, {"Վահան", "Վահագն"}, {"Գևորգ", "Գրիգոր"}, {"Սարգիս", "Սերոբ"},
   {"Elvin", "Elnur"}, {"Rəşad", "Rəsul"}, {"Ramil", "Ramiz"}, {"Elçin", "Elşən"},
   {"Samir", "Səməd"}, {"Namiq", "Natiq"}, {"Anar", "Azər"}, {"Arif", "Ağa"},
}

------------------------------------------------------------- Armenian romanisations

local function arm_map(tbl, initial_tbl)
   return function(word)
      local c = chars(word)
      local out = {}
      local i = 1
      while i <= #c do
         local ch = utf8.char(utf8.codepoint(c[i]) >= 0x531 and utf8.codepoint(c[i]) <= 0x556
            and utf8.codepoint(c[i]) + 0x30 or utf8.codepoint(c[i]))
         if ch == "ո" and c[i + 1] == "ւ" then
            out[#out + 1] = tbl["ու"]
            i = i + 1
         elseif i == 1 and initial_tbl[ch] then
            out[#out + 1] = initial_tbl[ch]
         elseif tbl[ch] then
            out[#out + 1] = tbl[ch]
         else
            out[#out + 1] = ch
         end
         i = i + 1
      end
      local s = table.concat(out)
      return s:sub(1, 1):upper() .. s:sub(2)
   end
end

local function utf8_upper_first(s)
   local first = utf8.offset(s, 2)
   if not first then
      return s
   end
   local head = s:sub(1, first - 1)
   local up = {
      ["ə"] = "Ə", ["ı"] = "I", ["ş"] = "Ş", ["ç"] = "Ç", ["ö"] = "Ö", ["ü"] = "Ü", ["ğ"] = "Ğ",
      ["č"] = "Č", ["š"] = "Š", ["ž"] = "Ž", ["ǰ"] = "J̌", ["ē"] = "Ē", ["ò"] = "Ò", ["ō"] = "Ō",
      ["ł"] = "Ł", ["ç̣"] = "Ç̣", ["ṙ"] = "Ṙ", ["ë"] = "Ë",
   }
   return (up[head] or head:upper()) .. s:sub(first)
end

-- BGN/PCGN 1981 (Eastern Armenian).
local bgn = {
   ["ա"] = "a", ["բ"] = "b", ["գ"] = "g", ["դ"] = "d", ["ե"] = "e", ["զ"] = "z", ["է"] = "e",
   ["ը"] = "y", ["թ"] = "t’", ["ժ"] = "zh", ["ի"] = "i", ["լ"] = "l", ["խ"] = "kh", ["ծ"] = "ts",
   ["կ"] = "k", ["հ"] = "h", ["ձ"] = "dz", ["ղ"] = "gh", ["ճ"] = "ch", ["մ"] = "m", ["յ"] = "y",
   ["ն"] = "n", ["շ"] = "sh", ["ո"] = "o", ["չ"] = "ch’", ["պ"] = "p", ["ջ"] = "j", ["ռ"] = "r",
   ["ս"] = "s", ["վ"] = "v", ["տ"] = "t", ["ր"] = "r", ["ց"] = "ts’", ["ւ"] = "v", ["փ"] = "p’",
   ["ք"] = "k’", ["օ"] = "o", ["ֆ"] = "f", ["ու"] = "u", ["և"] = "ev",
}
local bgn_initial = {["ե"] = "ye", ["ո"] = "vo", ["և"] = "yev"}
-- ISO 9985:1996.
local iso9985 = {
   ["ա"] = "a", ["բ"] = "b", ["գ"] = "g", ["դ"] = "d", ["ե"] = "e", ["զ"] = "z", ["է"] = "ē",
   ["ը"] = "ë", ["թ"] = "tʿ", ["ժ"] = "ž", ["ի"] = "i", ["լ"] = "l", ["խ"] = "x", ["ծ"] = "ç",
   ["կ"] = "k", ["հ"] = "h", ["ձ"] = "j", ["ղ"] = "ł", ["ճ"] = "č̣", ["մ"] = "m", ["յ"] = "y",
   ["ն"] = "n", ["շ"] = "š", ["ո"] = "o", ["չ"] = "č", ["պ"] = "p", ["ջ"] = "ǰ", ["ռ"] = "ṙ",
   ["ս"] = "s", ["վ"] = "v", ["տ"] = "t", ["ր"] = "r", ["ց"] = "cʿ", ["ւ"] = "w", ["փ"] = "pʿ",
   ["ք"] = "kʿ", ["օ"] = "ò", ["ֆ"] = "f", ["ու"] = "ow", ["և"] = "ew",
}
-- ALA-LC (Library of Congress), modern Eastern Armenian.
local loc = {
   ["ա"] = "a", ["բ"] = "b", ["գ"] = "g", ["դ"] = "d", ["ե"] = "e", ["զ"] = "z", ["է"] = "ē",
   ["ը"] = "ě", ["թ"] = "tʻ", ["ժ"] = "zh", ["ի"] = "i", ["լ"] = "l", ["խ"] = "kh", ["ծ"] = "ts",
   ["կ"] = "k", ["հ"] = "h", ["ձ"] = "dz", ["ղ"] = "gh", ["ճ"] = "ch", ["մ"] = "m", ["յ"] = "y",
   ["ն"] = "n", ["շ"] = "sh", ["ո"] = "o", ["չ"] = "chʻ", ["պ"] = "p", ["ջ"] = "j", ["ռ"] = "ṙ",
   ["ս"] = "s", ["վ"] = "v", ["տ"] = "t", ["ր"] = "r", ["ց"] = "tsʻ", ["ւ"] = "w", ["փ"] = "pʻ",
   ["ք"] = "kʻ", ["օ"] = "ō", ["ֆ"] = "f", ["ու"] = "u", ["և"] = "ew",
}
local loc_initial = {["ո"] = "vo"}
-- Western Armenian values, as the diaspora writes them (Hagop, Kevork, Boghossian).
local western = {
   ["ա"] = "a", ["բ"] = "p", ["գ"] = "k", ["դ"] = "t", ["ե"] = "e", ["զ"] = "z", ["է"] = "e",
   ["ը"] = "e", ["թ"] = "t", ["ժ"] = "zh", ["ի"] = "i", ["լ"] = "l", ["խ"] = "kh", ["ծ"] = "dz",
   ["կ"] = "g", ["հ"] = "h", ["ձ"] = "ts", ["ղ"] = "gh", ["ճ"] = "j", ["մ"] = "m", ["յ"] = "y",
   ["ն"] = "n", ["շ"] = "sh", ["ո"] = "o", ["չ"] = "ch", ["պ"] = "b", ["ջ"] = "ch", ["ռ"] = "r",
   ["ս"] = "s", ["վ"] = "v", ["տ"] = "d", ["ր"] = "r", ["ց"] = "ts", ["ւ"] = "v", ["փ"] = "p",
   ["ք"] = "k", ["օ"] = "o", ["ֆ"] = "f", ["ու"] = "ou", ["և"] = "ev",
}
local western_initial = {["ե"] = "ye", ["ո"] = "vo", ["և"] = "yev"}

local rom_bgn = arm_map(bgn, bgn_initial)
local rom_iso = arm_map(iso9985, {})
local rom_loc = arm_map(loc, loc_initial)
local rom_west = arm_map(western, western_initial)

local function passport(s)
   -- Armenian passports print BGN/PCGN without the apostrophes of aspiration
   return (s:gsub("’", ""))
end

local function westernise(word)
   local s = rom_west(word)
   s = s:gsub("yan$", "ian")
   if chance(0.5) then
      s = s:gsub("ou", "u")
   end
   if chance(0.5) then
      s = s:gsub("^Hovh", "Hov")
   end
   return s
end

local function easternise(word, system)
   local s = system(word)
   if chance(0.25) then
      s = s:gsub("yan$", "ian") -- the press often writes -ian
   end
   return s
end

------------------------------------------------------------ Armenian into Russian

local arm_ru = {
   ["ա"] = "а", ["բ"] = "б", ["գ"] = "г", ["դ"] = "д", ["ե"] = "е", ["զ"] = "з", ["է"] = "э",
   ["ը"] = "ы", ["թ"] = "т", ["ժ"] = "ж", ["ի"] = "и", ["լ"] = "л", ["խ"] = "х", ["ծ"] = "ц",
   ["կ"] = "к", ["ձ"] = "дз", ["ճ"] = "ч", ["մ"] = "м", ["յ"] = "й", ["ն"] = "н", ["շ"] = "ш",
   ["ո"] = "о", ["չ"] = "ч", ["պ"] = "п", ["ջ"] = "дж", ["ռ"] = "р", ["ս"] = "с", ["վ"] = "в",
   ["տ"] = "т", ["ր"] = "р", ["ց"] = "ц", ["ւ"] = "в", ["փ"] = "п", ["ք"] = "к", ["օ"] = "о",
   ["ֆ"] = "ф",
}
-- Conventional Russian forms that no letter rule gives.
local ru_conventional = {
   ["Հովհաննես"] = {"Ованес", "Оганес", "Ованнес"},
   ["Հովհաննիսյան"] = {"Оганесян", "Ованесян", "Ованисян", "Оганисян", "Ованнисян"},
   ["Սարգիս"] = {"Саркис", "Саргис"},
   ["Սարգսյան"] = {"Саркисян", "Саргсян"},
   ["Դավիթ"] = {"Давид", "Давит"},
   ["Դավթյան"] = {"Давтян"},
   ["Գրիգոր"] = {"Григор", "Григорий"},
   ["Համբարձումյան"] = {"Амбарцумян"},
   ["Ղազարյան"] = {"Казарян", "Газарян"},
   ["Հովսեփ"] = {"Овсеп"},
}

local function to_russian_arm(word)
   if ru_conventional[word] and chance(0.8) then
      return pick(ru_conventional[word])
   end
   local c = chars(word)
   local out = {}
   local i = 1
   local vowels = {["ա"] = 1, ["ե"] = 1, ["է"] = 1, ["ի"] = 1, ["ո"] = 1, ["օ"] = 1, ["ը"] = 1}
   while i <= #c do
      local cp = utf8.codepoint(c[i])
      local ch = (cp >= 0x531 and cp <= 0x556) and utf8.char(cp + 0x30) or c[i]
      local nxt = c[i + 1]
      if ch == "ո" and nxt == "ւ" then
         if out[#out] == "й" then
            out[#out] = "ю"
         else
            out[#out + 1] = "у"
         end
         i = i + 1
      elseif ch == "յ" and nxt == "ա" then
         out[#out + 1] = "я"
         i = i + 1
      elseif ch == "հ" then
         if i == 1 then
            if nxt and vowels[nxt] then
               if chance(0.15) then
                  out[#out + 1] = "г"
               end
            else
               out[#out + 1] = "г" -- Hrant: Грант
            end
         elseif out[#out] == "в" then
            if chance(0.5) then
               out[#out] = "г"
            end
         else
            local r = rng_state()
            out[#out + 1] = r < 0.6 and "г" or r < 0.8 and "х" or ""
         end
      elseif ch == "ղ" then
         local r = rng_state()
         out[#out + 1] = r < 0.7 and "г" or r < 0.85 and (i == 1 and "к" or "г") or "гх"
      elseif ch == "ե" and (i == 1) then
         out[#out + 1] = "е"
      elseif ch == "ո" and i == 1 then
         out[#out + 1] = "во"
      elseif ch == "և" then
         out[#out + 1] = "ев"
      elseif ch == "ը" then
         if chance(0.5) then
            out[#out + 1] = "ы"
         end
      else
         out[#out + 1] = arm_ru[ch] or ch
      end
      i = i + 1
   end
   local s = table.concat(out)
   if chance(0.5) then
      s = s:gsub("нн", "н")
   end
   local first = utf8.offset(s, 2)
   local up = {["а"] = "А", ["б"] = "Б", ["в"] = "В", ["г"] = "Г", ["д"] = "Д", ["е"] = "Е",
      ["ж"] = "Ж", ["з"] = "З", ["и"] = "И", ["к"] = "К", ["л"] = "Л", ["м"] = "М", ["н"] = "Н",
      ["о"] = "О", ["п"] = "П", ["р"] = "Р", ["с"] = "С", ["т"] = "Т", ["у"] = "У", ["ф"] = "Ф",
      ["х"] = "Х", ["ц"] = "Ц", ["ч"] = "Ч", ["ш"] = "Ш", ["э"] = "Э", ["ю"] = "Ю", ["я"] = "Я",
      ["ы"] = "Ы", ["й"] = "Й"}
   if first then
      s = (up[s:sub(1, first - 1)] or s:sub(1, first - 1)) .. s:sub(first)
   end
   return s
end

-------------------------------------------------------- Azerbaijani into Russian

local az_ru = {
   ["a"] = "а", ["b"] = "б", ["c"] = "дж", ["ç"] = "ч", ["d"] = "д", ["e"] = "е", ["ə"] = "а",
   ["f"] = "ф", ["g"] = "г", ["ğ"] = "г", ["h"] = "г", ["x"] = "х", ["ı"] = "ы", ["i"] = "и",
   ["j"] = "ж", ["k"] = "к", ["q"] = "г", ["l"] = "л", ["m"] = "м", ["n"] = "н", ["o"] = "о",
   ["ö"] = "ё", ["p"] = "п", ["r"] = "р", ["s"] = "с", ["ş"] = "ш", ["t"] = "т", ["u"] = "у",
   ["ü"] = "ю", ["v"] = "в", ["y"] = "й", ["z"] = "з",
}
local az_lower = {["Ə"] = "ə", ["I"] = "ı", ["İ"] = "i", ["Ş"] = "ş", ["Ç"] = "ç", ["Ö"] = "ö",
   ["Ü"] = "ü", ["Ğ"] = "ğ"}

local function az_chars(word)
   local c = chars(word)
   for i, ch in ipairs(c) do
      c[i] = az_lower[ch] or ch:lower()
   end
   return c
end

local az_vowel = {a = 1, e = 1, ["ə"] = 1, i = 1, ["ı"] = 1, o = 1, ["ö"] = 1, u = 1, ["ü"] = 1}

local function to_russian_az(word)
   local c = az_chars(word)
   local out = {}
   local seen_schwa = false
   local i = 1
   while i <= #c do
      local ch, nxt, prev = c[i], c[i + 1], c[i - 1]
      if ch == "ə" then
         out[#out + 1] = (seen_schwa and chance(0.4)) and "е" or "а"
         seen_schwa = true
      elseif ch == "e" and i == 1 then
         out[#out + 1] = "э"
         if nxt == "l" then
            out[#out + 1] = "ль"
            i = i + 1
         end
      elseif ch == "h" then
         out[#out + 1] = chance(0.8) and "г" or "х"
      elseif ch == "q" then
         out[#out + 1] = (i == 1 and chance(0.4)) and "к" or "г"
      elseif ch == "ü" then
         out[#out + 1] = (prev == "h" or chance(0.5)) and "у" or "ю"
      elseif ch == "y" then
         if nxt == "e" then
            out[#out + 1] = prev and az_vowel[prev] and "е" or "е"
            i = i + 1
         elseif nxt == "a" then
            out[#out + 1] = "я"
            i = i + 1
         elseif nxt == "u" then
            out[#out + 1] = "ю"
            i = i + 1
         elseif prev == "i" and nxt and az_vowel[nxt] then
            out[#out + 1] = "" -- Quliyev: Кулиев
         elseif prev and az_vowel[prev] and nxt and az_vowel[nxt] then
            out[#out + 1] = chance(0.5) and "" or "й"
         else
            out[#out + 1] = "й"
         end
      elseif ch == nxt and (ch == "m" or ch == "l" or ch == "n") and chance(0.7) then
         out[#out + 1] = az_ru[ch] -- Məmmədov: Мамедов
         i = i + 1
      else
         out[#out + 1] = az_ru[ch] or ch
      end
      i = i + 1
   end
   local s = table.concat(out)
   local first = utf8.offset(s, 2)
   local up = {["а"] = "А", ["б"] = "Б", ["в"] = "В", ["г"] = "Г", ["д"] = "Д", ["е"] = "Е",
      ["ж"] = "Ж", ["з"] = "З", ["и"] = "И", ["к"] = "К", ["л"] = "Л", ["м"] = "М", ["н"] = "Н",
      ["о"] = "О", ["п"] = "П", ["р"] = "Р", ["с"] = "С", ["т"] = "Т", ["у"] = "У", ["ф"] = "Ф",
      ["х"] = "Х", ["ц"] = "Ц", ["ч"] = "Ч", ["ш"] = "Ш", ["э"] = "Э", ["ю"] = "Ю", ["я"] = "Я",
      ["ы"] = "Ы", ["й"] = "Й", ["ё"] = "Ё"}
   if first then
      s = (up[s:sub(1, first - 1)] or s:sub(1, first - 1)) .. s:sub(first)
   end
   return s
end

-- Azerbaijani passports' Latin-ASCII table.
local az_passport = {["ə"] = "a", ["ı"] = "i", ["ş"] = "sh", ["ç"] = "ch", ["ğ"] = "gh",
   ["ö"] = "o", ["ü"] = "u", ["q"] = "g", ["x"] = "kh", ["c"] = "j"}
-- What a database does to the same letters when it only strips diacritics (Turkish habit).
local az_strip = {["ə"] = "e", ["ı"] = "i", ["ş"] = "s", ["ç"] = "c", ["ğ"] = "g", ["ö"] = "o",
   ["ü"] = "u"}

local function az_ascii(word, tbl)
   local c = az_chars(word)
   for i, ch in ipairs(c) do
      c[i] = tbl[ch] or ch
   end
   local s = table.concat(c)
   return s:sub(1, 1):upper() .. s:sub(2)
end

------------------------------------------------------------- Russian into Latin

local ru_systems = {
   bgn = {["а"] = "a", ["б"] = "b", ["в"] = "v", ["г"] = "g", ["д"] = "d", ["е"] = "e",
      ["ё"] = "ë", ["ж"] = "zh", ["з"] = "z", ["и"] = "i", ["й"] = "y", ["к"] = "k", ["л"] = "l",
      ["м"] = "m", ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
      ["у"] = "u", ["ф"] = "f", ["х"] = "kh", ["ц"] = "ts", ["ч"] = "ch", ["ш"] = "sh",
      ["щ"] = "shch", ["ъ"] = "", ["ы"] = "y", ["ь"] = "", ["э"] = "e", ["ю"] = "yu", ["я"] = "ya"},
   icao = {["а"] = "a", ["б"] = "b", ["в"] = "v", ["г"] = "g", ["д"] = "d", ["е"] = "e",
      ["ё"] = "e", ["ж"] = "zh", ["з"] = "z", ["и"] = "i", ["й"] = "i", ["к"] = "k", ["л"] = "l",
      ["м"] = "m", ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
      ["у"] = "u", ["ф"] = "f", ["х"] = "kh", ["ц"] = "ts", ["ч"] = "ch", ["ш"] = "sh",
      ["щ"] = "shch", ["ъ"] = "ie", ["ы"] = "y", ["ь"] = "", ["э"] = "e", ["ю"] = "iu", ["я"] = "ia"},
   iso9 = {["а"] = "a", ["б"] = "b", ["в"] = "v", ["г"] = "g", ["д"] = "d", ["е"] = "e",
      ["ё"] = "ë", ["ж"] = "ž", ["з"] = "z", ["и"] = "i", ["й"] = "j", ["к"] = "k", ["л"] = "l",
      ["м"] = "m", ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
      ["у"] = "u", ["ф"] = "f", ["х"] = "h", ["ц"] = "c", ["ч"] = "č", ["ш"] = "š", ["щ"] = "ŝ",
      ["ъ"] = "ʺ", ["ы"] = "y", ["ь"] = "ʹ", ["э"] = "è", ["ю"] = "û", ["я"] = "â"},
   french = {["а"] = "a", ["б"] = "b", ["в"] = "v", ["г"] = "g", ["д"] = "d", ["е"] = "e",
      ["ё"] = "io", ["ж"] = "j", ["з"] = "z", ["и"] = "i", ["й"] = "ï", ["к"] = "k", ["л"] = "l",
      ["м"] = "m", ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
      ["у"] = "ou", ["ф"] = "f", ["х"] = "kh", ["ц"] = "ts", ["ч"] = "tch", ["ш"] = "ch",
      ["щ"] = "chtch", ["ъ"] = "", ["ы"] = "y", ["ь"] = "", ["э"] = "e", ["ю"] = "iou", ["я"] = "ia"},
   german = {["а"] = "a", ["б"] = "b", ["в"] = "w", ["г"] = "g", ["д"] = "d", ["е"] = "e",
      ["ё"] = "jo", ["ж"] = "sch", ["з"] = "s", ["и"] = "i", ["й"] = "j", ["к"] = "k", ["л"] = "l",
      ["м"] = "m", ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
      ["у"] = "u", ["ф"] = "f", ["х"] = "ch", ["ц"] = "z", ["ч"] = "tsch", ["ш"] = "sch",
      ["щ"] = "schtsch", ["ъ"] = "", ["ы"] = "y", ["ь"] = "", ["э"] = "e", ["ю"] = "ju", ["я"] = "ja"},
}
local ru_lower = {}
for lo, up in pairs({["а"] = "А", ["б"] = "Б", ["в"] = "В", ["г"] = "Г", ["д"] = "Д",
   ["е"] = "Е", ["ж"] = "Ж", ["з"] = "З", ["и"] = "И", ["й"] = "Й", ["к"] = "К", ["л"] = "Л",
   ["м"] = "М", ["н"] = "Н", ["о"] = "О", ["п"] = "П", ["р"] = "Р", ["с"] = "С", ["т"] = "Т",
   ["у"] = "У", ["ф"] = "Ф", ["х"] = "Х", ["ц"] = "Ц", ["ч"] = "Ч", ["ш"] = "Ш", ["щ"] = "Щ",
   ["ы"] = "Ы", ["э"] = "Э", ["ю"] = "Ю", ["я"] = "Я", ["ё"] = "Ё"}) do
   ru_lower[up] = lo
end
local ru_vowel = {["а"] = 1, ["е"] = 1, ["ё"] = 1, ["и"] = 1, ["о"] = 1, ["у"] = 1, ["ы"] = 1,
   ["э"] = 1, ["ю"] = 1, ["я"] = 1}

local function ru_to_latin(word, name)
   local t = ru_systems[name]
   local c = chars(word)
   local out = {}
   for i, ch in ipairs(c) do
      ch = ru_lower[ch] or ch
      local prev = c[i - 1] and (ru_lower[c[i - 1]] or c[i - 1])
      local nxt = c[i + 1] and (ru_lower[c[i + 1]] or c[i + 1])
      local v = t[ch] or ch
      if ch == "е" and (name == "bgn" or name == "german") and (i == 1 or ru_vowel[prev] or prev == "ь") then
         v = name == "bgn" and "ye" or "je"
      elseif ch == "с" and (name == "french" or name == "german") and ru_vowel[prev] and ru_vowel[nxt] then
         v = "ss" -- Petrossian
      end
      out[#out + 1] = v
   end
   local s = table.concat(out)
   return utf8_upper_first(s)
end

------------------------------------------------------------------------ persons

local function patronymic_ru(father_ru)
   local last = father_ru:match("[%z\1-\127\194-\244][\128-\191]*$")
   if last == "й" then
      return father_ru:sub(1, -3) .. "евич"
   end
   return father_ru .. "ович"
end

local function make_person(kind, female)
   local p = {kind = kind, female = female}
   if kind == "arm" then
      p.given = pick(female and arm_given_f or arm_given_m)
      p.surname = pick(arm_surnames)
      p.father = pick(arm_given_m)
   else
      p.given = pick(female and az_given_f or az_given_m)
      p.surname = pick(az_surnames)
      p.father = pick(az_given_m)
   end
   return p
end

local function feminine_az(surname)
   if surname:match("ov$") or surname:match("ev$") then
      return surname .. "a"
   end
   return nil
end

-- One written form of an Armenian person.
local function arm_variant(p)
   local r = rng_state()
   local g, s, order, pat = p.given, p.surname, "gs", nil
   if r < 0.12 then -- Armenian script
      if chance(0.2) then
         order = "sg"
      end
   elseif r < 0.34 then -- passport / BGN
      local sys = chance(0.8) and function(w) return passport(easternise(w, rom_bgn)) end
         or function(w) return easternise(w, rom_bgn) end
      g, s = sys(g), sys(s)
   elseif r < 0.40 then -- ISO 9985
      g, s = rom_iso(g), rom_iso(s)
   elseif r < 0.48 then -- ALA-LC
      g, s = rom_loc(g), rom_loc(s)
   elseif r < 0.62 then -- Western Armenian
      g, s = westernise(g), westernise(s)
   elseif r < 0.78 then -- Russian document: surname first, patronymic
      g, s = to_russian_arm(g), to_russian_arm(s)
      order = "sg"
      if chance(0.6) then
         pat = patronymic_ru(to_russian_arm(p.father))
      end
   else -- through Russian into Latin
      local sys = pick({"bgn", "icao", "icao", "iso9", "french", "german"})
      local fr = to_russian_arm(p.father)
      g, s = ru_to_latin(to_russian_arm(g), sys), ru_to_latin(to_russian_arm(s), sys)
      if chance(0.3) then
         order = "sg"
         if chance(0.5) then
            pat = ru_to_latin(patronymic_ru(fr), sys)
         end
      end
   end
   return g, s, order, pat
end

local function az_variant(p)
   local r = rng_state()
   local g, s, order, pat = p.given, p.surname, "gs", nil
   local marker = p.female and "qızı" or "oğlu"
   if r < 0.25 then -- Azerbaijani Latin
      if chance(0.3) then
         order = "sg"
         pat = p.father .. " " .. marker
      end
   elseif r < 0.45 then -- passport ASCII
      g, s = az_ascii(g, az_passport), az_ascii(s, az_passport)
      if chance(0.2) then
         order = "sg"
         pat = az_ascii(p.father, az_passport) .. (p.female and " gizi" or " oglu")
      end
   elseif r < 0.55 then -- diacritics stripped
      g, s = az_ascii(g, az_strip), az_ascii(s, az_strip)
   elseif r < 0.78 then -- Russian document
      g, s = to_russian_az(g), to_russian_az(s)
      order = "sg"
      if chance(0.6) then
         pat = to_russian_az(p.father) .. (p.female and " кызы" or " оглы")
      end
   else -- through Russian into Latin
      local sys = pick({"bgn", "icao", "icao", "iso9", "french"})
      g, s = ru_to_latin(to_russian_az(g), sys), ru_to_latin(to_russian_az(s), sys)
      if chance(0.2) then
         order = "sg"
         pat = ru_to_latin(to_russian_az(p.father), sys) .. (p.female and " kyzy" or " ogly")
      end
   end
   return g, s, order, pat
end

local keyboard = "qwertyuiopasdfghjklzxcvbnm"

-- A typing error in a Latin-script string: a letter replaced, dropped, doubled or swapped.
local function typo(s)
   if s:find("[\128-\255]") then
      return s -- only ASCII text, so that positions are letters
   end
   local n = #s
   if n < 4 then
      return s
   end
   local i = rnd(n - 1) + 1
   local op = rnd(4)
   if op == 1 then
      local k = rnd(#keyboard)
      return s:sub(1, i - 1) .. keyboard:sub(k, k) .. s:sub(i + 1)
   elseif op == 2 then
      return s:sub(1, i - 1) .. s:sub(i + 1)
   elseif op == 3 then
      return s:sub(1, i) .. s:sub(i, i) .. s:sub(i + 1)
   end
   if i < n then
      return s:sub(1, i - 1) .. s:sub(i + 1, i + 1) .. s:sub(i, i) .. s:sub(i + 2)
   end
   return s
end

function gen.variant(p)
   local g, s, order, pat
   if p.kind == "arm" then
      g, s, order, pat = arm_variant(p)
   else
      g, s, order, pat = az_variant(p)
   end
   if chance(0.2) and not s:find("[\128-\255]") then
      s = s:upper()
   end
   if chance(0.08) then
      if chance(0.5) then
         s = typo(s)
      else
         g = typo(g)
      end
   end
   if order == "sg" then
      return pat and (s .. " " .. g .. " " .. pat) or (s .. " " .. g)
   end
   return g .. " " .. s
end

------------------------------------------------------------------------ pairs

local function seed(n)
   local st = n
   -- A small generator of our own (xorshift-multiply) so that a seed gives the same lists on
   -- every Lua 5.4 build.
   rng_state = function(m)
      st = (st ~ (st << 13)) & 0xffffffffffff
      st = (st ~ (st >> 7)) & 0xffffffffffff
      st = (st ~ (st << 17)) & 0xffffffffffff
      st = (st * 2654435761 + 1) & 0xffffffffffff
      local x = (st >> 8) / (1 << 40)
      if m then
         return math.floor(x * m) + 1
      end
      return x
   end
   for _ = 1, 10 do
      rng_state()
   end
end

function gen.seed(n)
   seed(n)
end

-- A person, with kind arm or az in equal shares, female one time in six.
function gen.person()
   return make_person(chance(0.5) and "arm" or "az", chance(1 / 6))
end

local function variant_other(p, field, value)
   local q = {}
   for k, v in pairs(p) do
      q[k] = v
   end
   q[field] = value
   return q
end

local function near_of(list, value)
   local out = {}
   for _, pair in ipairs(list) do
      if pair[1] == value then
         out[#out + 1] = pair[2]
      elseif pair[2] == value then
         out[#out + 1] = pair[1]
      end
   end
   return out
end

-- Labelled pairs from n persons: for each person 3 pairs of two of its written forms, and up
-- to 4 negatives: a near-miss surname, the feminine form, the same surname with another (often
-- similar) given name, and another person.
function gen.pairs(n, s)
   seed(s)
   local out = {}
   local persons = {}
   for i = 1, n do
      persons[i] = gen.person()
   end
   for i, p in ipairs(persons) do
      for _ = 1, 3 do
         out[#out + 1] = {gen.variant(p), gen.variant(p), true, "variant"}
      end
      local near = near_of(near_surnames, p.surname)
      if #near > 0 then
         out[#out + 1] = {gen.variant(p), gen.variant(variant_other(p, "surname", pick(near))), false,
            "near surname"}
      else
         local other = p.kind == "arm" and arm_surnames or az_surnames
         local alt = pick(other)
         if alt ~= p.surname then
            out[#out + 1] = {gen.variant(p), gen.variant(variant_other(p, "surname", alt)), false,
               "other surname"}
         end
      end
      local fem = p.kind == "az" and not p.female and feminine_az(p.surname)
      if fem then
         out[#out + 1] = {gen.variant(p), gen.variant(variant_other(p, "surname", fem)), false, "feminine"}
      end
      local ng = near_of(near_given, p.given)
      local given
      if #ng > 0 and chance(0.6) then
         given = pick(ng)
      else
         local pool = p.kind == "arm" and (p.female and arm_given_f or arm_given_m)
            or (p.female and az_given_f or az_given_m)
         given = pick(pool)
      end
      if given ~= p.given then
         out[#out + 1] = {gen.variant(p), gen.variant(variant_other(p, "given", given)), false,
            "other given name"}
      end
      local q = persons[(i % n) + 1]
      if q.given ~= p.given or q.surname ~= p.surname then
         out[#out + 1] = {gen.variant(p), gen.variant(q), false, "other person"}
      end
   end
   return out
end

-- Two lists for link: n persons written once on each side (in independent forms), plus
-- extra persons on each side only. Returns left, right, truth (truth[i] = j or nil).
function gen.lists(n, s, extra)
   seed(s)
   extra = extra or 0
   local persons = {}
   for i = 1, n + 2 * extra do
      persons[i] = gen.person()
      persons[i].born = 1960 + rnd(45)
   end
   local left, right, truth = {}, {}, {}
   local order = {}
   for i = 1, n + extra do
      order[i] = i
   end
   for i = #order, 2, -1 do
      local j = rnd(i)
      order[i], order[j] = order[j], order[i]
   end
   for i = 1, n + extra do
      local p = persons[i]
      left[i] = {name = gen.variant(p), born = p.born}
   end
   for k, i in ipairs(order) do
      local p = i <= n and persons[i] or persons[n + extra + i - n]
      right[k] = {name = gen.variant(p), born = p.born}
      if i <= n then
         truth[i] = k
      end
   end
   return left, right, truth
end

return gen
