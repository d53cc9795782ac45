-- acrlint's Language Server in Neovim (0.7 or later), with the built-in LSP client:
-- diagnostics as you type, quick fixes (:lua vim.lsp.buf.code_action()), hover
-- (:lua vim.lsp.buf.hover()). Copy this file to ~/.config/nvim/plugin/acrlint.lua.
-- `vim.g.acrlint_cmd` overrides the command (default: acrlint on the PATH).
local clients = {}

local function attach(args)
  local path = vim.api.nvim_buf_get_name(args.buf)
  if path == '' then
    return
  end
  local root = vim.fn.fnamemodify(path, ':p:h')
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client({
      name = 'acrlint',
      cmd = vim.g.acrlint_cmd or { 'acrlint', 'lsp' },
      root_dir = root,
    })
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(args.buf, id)
  end
end

vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  pattern = { '*.json', '*.jsonc', '*.bicep', '*.bicepparam' },
  callback = attach,
})
