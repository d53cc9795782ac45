-- A headless Neovim session against `acrlint lsp` (run by tests/lsp_neovim.rs):
-- open $ACRLINT_FILE with the editors/neovim/acrlint.lua set-up, wait for ACR001,
-- apply its preferred quick fix, wait for it to go, write the buffer, quit.
-- Exits non-zero (cquit) on any failure, saying why on stderr.
local function fail(message)
  io.stderr:write('FAIL: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local patience = 60000

local function session()
  -- Write the file back as it was read (no end-of-line added at its end).
  vim.o.fixendofline = false
  vim.g.acrlint_cmd = { os.getenv('ACRLINT_BIN'), 'lsp' }
  vim.cmd('luafile ' .. vim.fn.fnameescape(os.getenv('ACRLINT_SNIPPET')))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ACRLINT_FILE')))
  local buf = vim.api.nvim_get_current_buf()

  local function acr001()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'ACR001' then
        return d
      end
    end
    return nil
  end

  if not vim.wait(patience, function() return acr001() ~= nil end, 50) then
    error('no ACR001 diagnostic on ' .. os.getenv('ACRLINT_FILE'))
  end
  local d = acr001()
  io.stderr:write(string.format('ACR001 at %d:%d: %s\n', d.lnum + 1, d.col + 1, d.message))

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = {
      start = { line = d.lnum, character = d.col },
      ['end'] = { line = d.end_lnum, character = d.end_col },
    },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, patience)
  local fix
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      if action.isPreferred and action.title:match('^Fix ACR001') then
        fix = action
      end
    end
  end
  if not fix then
    error('no preferred quick fix for ACR001')
  end
  io.stderr:write('applying: ' .. fix.title .. '\n')
  vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')

  if not vim.wait(patience, function() return acr001() == nil end, 50) then
    error('ACR001 is still shown after the quick fix')
  end
  vim.cmd('write')
  
end

local ok, err = pcall(session)
if not ok then
  fail(tostring(err))
end
vim.cmd('qall!')
