/* xlgoals WPS 加载项: the ribbon's callbacks (ribbon.xml). Everything else is in js/xlgoals.js. */
function OnAddinLoad(ribbonUI) {
  if (typeof window.Application.ribbonUI !== 'object') { window.Application.ribbonUI = ribbonUI; }
  return true;
}

function OnAction(control) {
  XlGoals.press(control.Id, window.Application);
  return true;
}
