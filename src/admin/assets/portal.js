// The portal works without this file; it only adds the copy button for a new secret.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  const field = document.getElementById(button.getAttribute('data-copy'));
  const status = document.getElementById('copy-status');
  if (!field) return;
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = 'Copied to the clipboard.';
  } catch {
    if (status) status.textContent = 'Select the text and copy it (Ctrl+C or ⌘C).';
  }
});
