# /reporting: who has sent the figures of which KPIs for this period.
rep-title = Estado do reporte
rep-intro = Para cada organização, o valor que cada um dos seus indicadores deve relativamente ao último período terminado (um mês, um trimestre ou um ano, conforme a periodicidade do indicador): enviado, em atraso ou ainda não exigível. Um valor conta como enviado logo que é submetido, antes de ser validado e publicado.
rep-none = Nenhum indicador deve ainda um valor.
rep-summary-caption = Valores deste período, por organização
rep-figures-caption = O valor de cada indicador para o seu último período
rep-sent = Enviados
rep-share = Proporção enviada
rep-organisation = Organização
