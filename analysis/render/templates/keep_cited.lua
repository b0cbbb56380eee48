-- After citeproc: the page's reference list keeps only the entries of the keys the page cites itself
-- (the others are there through the book-wide `nocite`, which keeps citation labels the same on
-- every page). The keys come in the metadata field `redid-cited`; without it the list is kept whole.
function Pandoc(doc)
  local cited = doc.meta["redid-cited"]
  if cited == nil then
    return nil
  end
  local wanted = {}
  for _, key in ipairs(cited) do
    wanted["ref-" .. pandoc.utils.stringify(key)] = true
  end
  doc.meta["redid-cited"] = nil
  return doc:walk({
    Div = function(div)
      if div.identifier ~= "refs" then
        return nil
      end
      local kept = pandoc.List()
      for _, block in ipairs(div.content) do
        local id = block.t == "Div" and block.identifier or ""
        if not (id:sub(1, 4) == "ref-" and not wanted[id]) then
          kept:insert(block)
        end
      end
      div.content = kept
      return div
    end,
  })
end
